// The Deltica account of a domain user: matched by `windows_username` (`user`, `DOMAIN\user` or
// the principal name, any case), or created at his first sign-in when the admin allows it, with
// the role and department his groups give. An existing account keeps what the admin set.
import type { Sql } from '../../../runtime/db.ts'
import type { Env } from '../../../runtime/endpoint.ts'
import { conflict, forbidden } from '../../../runtime/errors.ts'
import { recordAudit } from '../../audit/record.ts'
import { createdChanges, type UserRow } from '../accounts.ts'
import type { DirectoryConfig } from './config.ts'
import type { DirectoryUser, MappedAccess } from './lookup.ts'

/** The names under which an admin may have written this user's Windows account. */
function windowsNames(config: DirectoryConfig, user: DirectoryUser): string[] {
  const names = [user.user]
  if (config.domain) names.push(`${config.domain}\\${user.user}`)
  if (user.upn) names.push(user.upn)
  return names.map((n) => n.toLowerCase())
}

/** The account whose windows_username names this domain user. */
export async function accountOfWindowsUser(
  sql: Sql,
  config: DirectoryConfig,
  user: DirectoryUser,
): Promise<UserRow | undefined> {
  const [row] = await sql<UserRow[]>`
    select id, username, full_name, department, role, active
    from users
    where lower(windows_username) in ${sql(windowsNames(config, user))}
    order by id
    limit 1`
  return row
}

const LOGIN_CHARS = /[^A-Za-z0-9._-]/g

/** A new account for a domain user (no Deltica password), audited as created by the domain. */
export async function createWindowsAccount(
  env: Env,
  config: DirectoryConfig,
  user: DirectoryUser,
  access: MappedAccess & { role: 'admin' | 'laborant' },
): Promise<UserRow> {
  const username = user.user.replace(LOGIN_CHARS, '_').slice(0, 64)
  if (access.role === 'laborant' && !access.department)
    throw forbidden(
      'Для вашей учётной записи Windows не определено подразделение (группы домена). Обратитесь к администратору Deltica',
    )
  return env.sql.begin(async (tx) => {
    if (access.department) {
      const [dep] = await tx`select 1 from departments where code = ${access.department}`
      if (!dep)
        throw forbidden(
          `Подразделения «${access.department}» из домена нет в Deltica. Обратитесь к администратору Deltica`,
        )
    }
    const [taken] = await tx`select 1 from users where lower(username) = lower(${username})`
    if (taken)
      throw conflict(
        `Логин ${username} уже занят другим пользователем Deltica. Администратор может указать ему учётную запись Windows`,
      )
    const windowsUsername = config.domain ? `${config.domain}\\${user.user}` : user.user
    const [created] = await tx<UserRow[]>`
      insert into users (username, full_name, department, role, active, password_hash, windows_username)
      values (${username}, ${user.display_name.slice(0, 200)}, ${access.department},
              ${access.role}, true, null, ${windowsUsername})
      returning id, username, full_name, email, department, role, active, failed_logins,
                locked_until, token_version, version, updated_at, updated_by`
    await recordAudit(tx, env, {
      action: 'user_create',
      entity: 'user',
      entityId: created.id,
      changes: {
        ...createdChanges(created),
        windows_username: { old: null, new: windowsUsername },
      },
    })
    return created
  })
}
