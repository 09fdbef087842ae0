// User records: the input schemas and the writes shared by the users API and the YAML sync CLI.
import { z } from 'zod'
import { hashPassword } from '../../runtime/auth.ts'
import type { Sql, TransactionSql } from '../../runtime/db.ts'
import type { AuthedEnv } from '../../runtime/endpoint.ts'
import { badRequest, conflict, notFound } from '../../runtime/errors.ts'
import { passwordProblem } from '../../runtime/password-policy.ts'
import { userChanged } from '../../runtime/user-cache.ts'
import { diffFields, recordAudit, type Changes } from '../audit/record.ts'
import { assertDepartment } from '../departments.ts'
import { Password, Role, Username, Version } from '../schemas.ts'
import { checkVersion } from '../stale.ts'
import { clearGuesses } from './limiter.ts'

/** An optional e-mail for recall notifications; '' clears it. */
export const Email = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? null : v),
  z
    .string()
    .trim()
    .max(254, 'Адрес e-mail не длиннее 254 символов')
    .regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'Неверный адрес e-mail')
    .nullable(),
)

/** The user's Windows account (`DOMAIN\\user`, `user@domain` or `user`); '' clears it. */
const WindowsUsername = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? null : v),
  z
    .string()
    .trim()
    .max(256, 'Учётная запись Windows не длиннее 256 символов')
    .regex(/^[^\u0000-\u001f*()]+$/, 'Недопустимые символы в учётной записи Windows')
    .nullable(),
)

export const UserCreate = z
  .object({
    username: Username,
    full_name: z.string().trim().max(200).default(''),
    email: Email.optional(),
    department: z.string().trim().min(1).nullable().optional(),
    role: Role,
    password: Password,
    active: z.boolean().default(true),
  })
  .strict()

export const UserUpdate = z
  .object({
    full_name: z.string().trim().max(200).optional(),
    email: Email.optional(),
    department: z.string().trim().min(1).nullable().optional(),
    role: Role.optional(),
    active: z.boolean().optional(),
    password: Password.optional(),
    windows_username: WindowsUsername.optional(),
    unlock: z.literal(true).optional(),
    version: Version.optional(),
  })
  .strict()

/** The fields of a user an edit changes; a password reset and an unlock are actions. */
const EDITED_USER_FIELDS = [
  'full_name',
  'email',
  'department',
  'role',
  'active',
  'windows_username',
] as const

export interface UserRow {
  id: number
  username: string
  full_name: string
  department: string | null
  role: 'admin' | 'laborant'
  active: boolean
  failed_logins: number
  locked_until: Date | null
  token_version: number
  email: string | null
  windows_username: string | null
  /** a Deltica password is set (not selected as the hash: only whether there is one) */
  has_password: boolean
  version: number
  updated_at: Date
  updated_by: number | null
}

const USER_COLUMNS = [
  'id',
  'username',
  'full_name',
  'department',
  'role',
  'active',
  'failed_logins',
  'locked_until',
  'token_version',
  'email',
  'windows_username',
  'version',
  'updated_at',
  'updated_by',
]

type Db = Sql | TransactionSql

const userColumns = (sql: Db) =>
  sql`${sql(USER_COLUMNS)}, password_hash is not null as has_password`

function assertLaborantDepartment(role: string, department: string | null | undefined) {
  if (role === 'laborant' && !department) {
    throw badRequest('Проверьте поля запроса', {
      fields: [{ field: 'department', message: 'Лаборанту нужно указать подразделение' }],
    })
  }
}

/** Every password written (API, YAML sync, first admin, own change) passes the one policy. */
export function assertPassword(password: string, username: string, field = 'password') {
  const problem = passwordProblem(password, username)
  if (problem) throw badRequest(problem, { fields: [{ field, message: problem }] })
}

export async function findUserByName(sql: Db, username: string): Promise<UserRow | undefined> {
  const [row] = await sql<UserRow[]>`
    select ${userColumns(sql)}
    from users
    where lower(username) = lower(${username})`
  return row
}

export async function createUser(sql: Db, input: z.output<typeof UserCreate>): Promise<UserRow> {
  assertLaborantDepartment(input.role, input.department)
  assertPassword(input.password, input.username)
  await assertDepartment(sql, input.department)
  if (await findUserByName(sql, input.username)) {
    throw conflict('Пользователь с таким логином уже существует')
  }
  const [row] = await sql<UserRow[]>`
    insert into users (username, full_name, department, role, active, password_hash, email)
    values (
      ${input.username}, ${input.full_name}, ${input.department ?? null}, ${input.role},
      ${input.active}, ${await hashPassword(input.password)}, ${input.email ?? null}
    )
    returning ${userColumns(sql)}`
  return row
}

/**
 * Applies an update; role/active/password changes bump the token version (revoking sessions).
 * Returns the row before and after. Refuses to leave the system without an active admin.
 * `version` (an admin's edit) is checked against the locked row: stale → the one 409. A change
 * of an edited field bumps the record's version; a password reset or an unlock alone does not.
 */
export async function updateUser(
  sql: TransactionSql,
  id: number,
  patch: z.output<typeof UserUpdate>,
  by: { id: number | null; version?: number } = { id: null },
): Promise<{ before: UserRow; after: UserRow } | null> {
  const [before] = await sql<UserRow[]>`
    select ${userColumns(sql)}
    from users
    where id = ${id}
    for update`
  if (!before) return null
  if (by.version !== undefined) await checkVersion(sql, by.version, before, userView(before))
  const role = patch.role ?? before.role
  const department = patch.department === undefined ? before.department : patch.department
  const active = patch.active ?? before.active
  assertLaborantDepartment(role, department)
  await assertDepartment(sql, department)
  if (before.role === 'admin' && before.active && (role !== 'admin' || !active)) {
    const [{ n }] = await sql`
      select count(*)::int as n from users where role = 'admin' and active and id <> ${id}`
    if (n === 0) throw conflict('Нельзя отключить или понизить последнего администратора')
  }
  if (patch.password !== undefined) assertPassword(patch.password, before.username)
  if (patch.unlock) await clearGuesses(sql, before.username)
  const revoke = role !== before.role || active !== before.active || patch.password !== undefined
  const passwordHash = patch.password ? await hashPassword(patch.password) : null
  const next = {
    full_name: patch.full_name ?? before.full_name,
    email: patch.email === undefined ? before.email : patch.email,
    department,
    role,
    active,
    windows_username:
      patch.windows_username === undefined ? before.windows_username : patch.windows_username,
  }
  const edited = EDITED_USER_FIELDS.some((f) => next[f] !== before[f])
  const [after] = await sql<UserRow[]>`
    update users set
      full_name = ${next.full_name},
      email = ${next.email},
      department = ${department},
      role = ${role},
      active = ${active},
      windows_username = ${next.windows_username},
      password_hash = coalesce(${passwordHash}, password_hash),
      failed_logins = case when ${patch.unlock ?? false} then 0 else failed_logins end,
      locked_until = case when ${patch.unlock ?? false} then null else locked_until end,
      token_version = token_version + ${revoke ? 1 : 0},
      version = version + ${edited ? 1 : 0},
      updated_at = case when ${edited} then now() else updated_at end,
      updated_by = case when ${edited} then ${by.id}::bigint else updated_by end
    where id = ${id}
    returning ${userColumns(sql)}`
  return { before, after }
}

/** A user as the API shows it (never the hash). */
function userView(u: UserRow) {
  return {
    id: u.id,
    username: u.username,
    full_name: u.full_name,
    email: u.email,
    department: u.department,
    role: u.role,
    active: u.active,
    failed_logins: u.failed_logins,
    locked_until: u.locked_until,
    windows_username: u.windows_username,
    sign_in_method: signInMethod(u),
    version: u.version,
  }
}

/** How the user signs in: a Deltica password, the Windows domain password, or either. */
const signInMethod = (u: UserRow) =>
  u.has_password ? (u.windows_username ? 'both' : 'password') : 'windows'

const AUDITED_USER_FIELDS = [
  'full_name',
  'email',
  'department',
  'role',
  'active',
  'windows_username',
  'locked_until',
] as const

/** What an update changed, as audited: the audited fields, a new password as ***. */
export function userChanges(
  result: { before: UserRow; after: UserRow },
  passwordChanged: boolean,
): Changes {
  const changes = diffFields(userView(result.before), userView(result.after), AUDITED_USER_FIELDS)
  if (passwordChanged) changes.password = { old: '***', new: '***' }
  return changes
}

/** What a creation set, as audited. */
export const createdChanges = (user: UserRow): Changes =>
  diffFields({}, userView(user), ['username', ...AUDITED_USER_FIELDS])

export async function listUsers(sql: Sql) {
  const rows = await sql<UserRow[]>`
    select ${userColumns(sql)}
    from users
    order by lower(username)`
  return rows.map(userView)
}

type Admin = Pick<AuthedEnv, 'sql' | 'user' | 'ip' | 'bus'>

/** An admin creates a user (audited). */
export async function addUser(env: Admin, input: z.output<typeof UserCreate>) {
  const user = await env.sql.begin(async (tx) => {
    const created = await createUser(tx, input)
    await recordAudit(tx, env, {
      action: 'user_create',
      entity: 'user',
      entityId: created.id,
      changes: createdChanges(created),
    })
    return created
  })
  return userView(user)
}

/**
 * An admin changes, resets the password of or unlocks a user (audited). An edit of a field
 * must send `version`; a password reset or an unlock alone is an action and need not.
 */
export async function changeUser(env: Admin, id: number, patch: z.output<typeof UserUpdate>) {
  const { version, ...fields } = patch
  if (version === undefined && EDITED_USER_FIELDS.some((f) => fields[f] !== undefined)) {
    throw badRequest('Проверьте поля запроса', {
      fields: [{ field: 'version', message: 'Укажите версию записи (version)' }],
    })
  }
  const user = await env.sql.begin(async (tx) => {
    const changed = await updateUser(tx, id, fields, { id: env.user.id, version })
    if (!changed) throw notFound('Пользователь не найден')
    await recordAudit(tx, env, {
      action: patch.unlock ? 'user_unlock' : 'user_update',
      entity: 'user',
      entityId: id,
      changes: userChanges(changed, !!patch.password),
    })
    return changed.after
  })
  await userChanged(env.bus, id)
  return userView(user)
}
