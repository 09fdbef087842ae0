// The Windows domain (LDAP / Active Directory) as the admin sets it (the `directory` setting),
// and what a typed login means: `DOMAIN\user`, `user@domain` or `user` → the account name and
// the user principal name, put into the user filter escaped per RFC 4515. The service account's
// password is never a setting: it comes from the environment (LDAP_BIND_PASSWORD).
import { z } from 'zod'
import { Role } from '../../schemas.ts'

const text = (max = 500) => z.string().trim().max(max)

const LdapUrl = z
  .string()
  .trim()
  .regex(/^ldaps?:\/\/[^\s/?#]+\/?$/i, 'Адрес сервера: ldaps://сервер:636 или ldap://сервер:389')

export const DirectoryConfig = z
  .object({
    enabled: z.boolean(),
    /** tried in order until one answers */
    urls: z.array(LdapUrl).max(5),
    /** ldap:// upgraded with StartTLS before any password is sent */
    starttls: z.boolean(),
    /** a PEM file on the server with the CA that signed the domain controllers' certificates */
    ca_file: text(),
    base_dn: text(),
    /** the service account that finds users (DN or user@domain); its password: LDAP_BIND_PASSWORD */
    bind_dn: text(),
    /** NetBIOS name of the domain (CORP in CORP\user) */
    domain: text(64),
    /** DNS suffix of user principal names (corp.example.ru in user@corp.example.ru) */
    upn_suffix: text(253),
    /** {user} = the account name, {upn} = the principal name; both escaped */
    user_filter: text(1000).refine(
      (f) => f.includes('{user}') || f.includes('{upn}'),
      'В фильтре нужен {user} или {upn}',
    ),
    timeout_seconds: z.number().int().min(1).max(60),
    /** an unknown domain user with an allowed group gets a Deltica account at his first sign-in */
    create_users: z.boolean(),
    /** membership in one of these groups is required; it gives the role */
    role_groups: z.array(z.object({ group: text(), role: Role })).max(50),
    /** membership gives the department code; the first match wins */
    department_groups: z.array(z.object({ group: text(), department: text(64) })).max(200),
    /** an attribute whose value is the department code ('' = none); groups come first */
    department_attribute: text(64),
  })
  .refine((c) => c.starttls || c.urls.every((u) => /^ldaps:/i.test(u)), {
    message: 'Пароли не передаются открыто: используйте ldaps:// или включите StartTLS',
    path: ['starttls'],
  })
export type DirectoryConfig = z.output<typeof DirectoryConfig>

export const DIRECTORY_DEFAULT: DirectoryConfig = {
  enabled: false,
  urls: [],
  starttls: true,
  ca_file: '',
  base_dn: '',
  bind_dn: '',
  domain: '',
  upn_suffix: '',
  user_filter: '(&(objectClass=user)(|(sAMAccountName={user})(userPrincipalName={upn})))',
  timeout_seconds: 5,
  create_users: false,
  role_groups: [],
  department_groups: [],
  department_attribute: '',
}

/** A typed login taken apart: the account name (sAMAccountName) and the principal name. */
export interface WindowsLogin {
  user: string
  upn: string
}

/** `DOMAIN\user`, `user@domain` or `user`; null when it is none of them (empty parts). */
export function parseWindowsLogin(typed: string, config: DirectoryConfig): WindowsLogin | null {
  const name = typed.trim()
  const slash = name.indexOf('\\')
  if (slash >= 0) {
    const user = name.slice(slash + 1)
    if (!name.slice(0, slash) || !user) return null
    return { user, upn: config.upn_suffix ? `${user}@${config.upn_suffix}` : user }
  }
  const at = name.lastIndexOf('@')
  if (at >= 0) {
    const user = name.slice(0, at)
    if (!user || at === name.length - 1) return null
    return { user, upn: name }
  }
  if (!name) return null
  return { user: name, upn: config.upn_suffix ? `${name}@${config.upn_suffix}` : name }
}

/** A value inside an LDAP filter, escaped per RFC 4515: `*`, `(`, `)`, `\`, NUL and non-ASCII. */
export function escapeFilterValue(value: string): string {
  let out = ''
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte)
    out +=
      byte < 0x20 || byte > 0x7e || '*()\\'.includes(c)
        ? `\\${byte.toString(16).padStart(2, '0')}`
        : c
  }
  return out
}

/** The admin's user filter with the login put in. */
export const userFilter = (config: DirectoryConfig, login: WindowsLogin) =>
  config.user_filter
    .replaceAll('{user}', escapeFilterValue(login.user))
    .replaceAll('{upn}', escapeFilterValue(login.upn))
