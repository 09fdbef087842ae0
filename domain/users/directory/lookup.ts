// Finding a domain user with the service account, and what his groups give him in Deltica
// (role from `role_groups`, department from `department_groups` or the department attribute).
// Directory trouble becomes one clear Russian 503; the admin's log gets the technical causes.
import type { Env } from '../../../runtime/endpoint.ts'
import { HttpError } from '../../../runtime/errors.ts'
import {
  LdapUnavailable,
  withLdap,
  type LdapConnection,
  type LdapTarget,
} from '../../../runtime/ldap.ts'
import { userFilter, type DirectoryConfig, type WindowsLogin } from './config.ts'

export interface DirectoryUser {
  dn: string
  /** sAMAccountName */
  user: string
  upn: string
  display_name: string
  /** distinguished names of the groups (memberOf) */
  groups: string[]
  /** the department attribute's value, when the admin named one */
  department_value: string | null
  /** userAccountControl: ACCOUNTDISABLE (2) */
  disabled: boolean
}

export interface MappedAccess {
  /** null: in none of the role groups (not allowed) */
  role: 'admin' | 'laborant' | null
  department: string | null
}

const UAC_ACCOUNTDISABLE = 2

const DIRECTORY_DOWN =
  'Сервер домена Windows недоступен. Войдите под учётной записью Deltica или повторите позже'

/** 503 for the client; the technical causes only for the admin's check and the log. */
export class DirectoryDown extends HttpError {
  readonly causes: string[]
  constructor(message: string, causes: string[] = []) {
    super(503, message)
    this.causes = causes
  }
}

const unavailable = (message: string, causes: string[] = []) => new DirectoryDown(message, causes)

const target = (config: DirectoryConfig): LdapTarget => ({
  urls: config.urls,
  starttls: config.starttls,
  caFile: config.ca_file,
  timeoutMs: config.timeout_seconds * 1000,
})

/**
 * Runs `fn` on a connection bound as the service account. 503 when the directory is switched
 * off, unreachable, or refuses the service account (details in `causes` and the log).
 */
export async function withServiceAccount<T>(
  env: Env,
  config: DirectoryConfig,
  fn: (conn: LdapConnection) => Promise<T>,
): Promise<T> {
  const password = env.config.directoryBindPassword
  if (!config.urls.length || !config.base_dn)
    throw unavailable('Вход с паролем Windows не настроен')
  if (!password)
    throw unavailable('Не задан пароль служебной учётной записи домена (LDAP_BIND_PASSWORD)')
  try {
    return await withLdap(target(config), async (conn) => {
      const bound = await conn.bind(config.bind_dn, password)
      if (!bound.ok) {
        throw unavailable(
          'Домен не принял служебную учётную запись: проверьте её и LDAP_BIND_PASSWORD',
          [bound.message],
        )
      }
      return fn(conn)
    })
  } catch (e) {
    if (!(e instanceof LdapUnavailable)) throw e
    env.log.warn('directory unavailable', { causes: e.causes })
    throw unavailable(DIRECTORY_DOWN, e.causes)
  }
}

/** The user the login names, or null when none or more than one entry matches. */
export async function findDirectoryUser(
  conn: LdapConnection,
  config: DirectoryConfig,
  login: WindowsLogin,
): Promise<DirectoryUser | null> {
  const departmentAttribute = config.department_attribute.toLowerCase()
  const attributes = [
    'sAMAccountName',
    'userPrincipalName',
    'displayName',
    'cn',
    'memberOf',
    'userAccountControl',
    ...(departmentAttribute ? [config.department_attribute] : []),
  ]
  const found = await conn.search(config.base_dn, userFilter(config, login), attributes, 2).catch(
    // a size limit hit means two accounts share the name: nobody signs in as either
    () => [],
  )
  if (found.length !== 1) return null
  const [{ dn, attrs }] = found
  const first = (name: string) => attrs[name]?.[0] ?? ''
  return {
    dn,
    user: first('samaccountname') || login.user,
    upn: first('userprincipalname'),
    display_name: first('displayname') || first('cn'),
    groups: attrs.memberof ?? [],
    department_value: departmentAttribute ? first(departmentAttribute) || null : null,
    disabled: (Number(first('useraccountcontrol')) & UAC_ACCOUNTDISABLE) !== 0,
  }
}

/** A DN compared loosely: case and spaces after commas ignored. */
const normalDn = (dn: string) =>
  dn
    .toLowerCase()
    .replace(/\s*,\s*/g, ',')
    .trim()

/** The admin names a group by its DN or just its CN. */
function inGroup(groups: string[], named: string): boolean {
  const want = normalDn(named)
  return groups.some((g) => {
    const dn = normalDn(g)
    return dn === want || (!want.includes('=') && dn.startsWith(`cn=${want},`))
  })
}

/** The role and department the admin's mapping gives this user. */
export function mappedAccess(config: DirectoryConfig, user: DirectoryUser): MappedAccess {
  const roles = config.role_groups.filter((m) => inGroup(user.groups, m.group)).map((m) => m.role)
  const role = roles.includes('admin') ? 'admin' : roles.includes('laborant') ? 'laborant' : null
  const department =
    config.department_groups.find((m) => inGroup(user.groups, m.group))?.department ??
    user.department_value
  return { role, department }
}
