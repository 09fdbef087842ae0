// Bulk user setup from YAML: create or update by username, never delete. The whole file is
// validated first; a file with any bad entry changes nothing. The users file of Deltica 1.x is
// accepted as it is: `is_active` for `active`, a department's code or label (free text such as
// «Администрация» is dropped for an admin), `windows_username`, and no password for a user who
// signs in with Windows. A password in the file sets a NEW user's password; an existing user's
// password changes only with `resetPasswords` (otherwise it is left alone and the report says so).
// Passwords that would be set are checked against the policy, each failure named with its user.
import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import { recordAudit } from '../audit/record.ts'
import { Role, Username } from '../schemas.ts'
import { passwordProblem } from '../../runtime/password-policy.ts'
import { norm } from '../equipment/xlsx/cells.ts'
import {
  createdChanges,
  createUser,
  Email,
  findUserByName,
  updateUser,
  userChanges,
} from './accounts.ts'
import type { Sql } from '../../runtime/db.ts'
import { fieldIssues } from '../../runtime/errors.ts'

const Entry = z
  .object({
    username: Username,
    full_name: z.string().trim().max(200).optional(),
    email: Email.optional(),
    department: z.string().trim().nullable().optional(),
    role: Role,
    active: z.boolean().optional(),
    is_active: z.boolean().optional(),
    password: z.union([z.string(), z.number()]).nullable().optional(),
    windows_username: z.string().trim().max(200).nullable().optional(),
  })
  .strict()

const SyncFile = z.object({ users: z.array(Entry).min(1, 'Список users пуст') }).strict()

export interface SyncReport {
  created: string[]
  updated: string[]
  unchanged: string[]
  /** what happened to each user of the file, in Russian, by username */
  details: Record<string, string[]>
}

export interface SyncOptions {
  /** a password in the file replaces an existing user's password */
  resetPasswords?: boolean
}

export class SyncError extends Error {
  readonly problems: string[]

  constructor(problems: string[]) {
    super(problems.join('\n'))
    this.problems = problems
  }
}

function parseSyncFile(text: string): z.output<typeof SyncFile> {
  let doc: unknown
  try {
    doc = parseYaml(text)
  } catch (error) {
    throw new SyncError([`Файл не является корректным YAML: ${(error as Error).message}`])
  }
  const parsed = SyncFile.safeParse(doc)
  if (!parsed.success) {
    throw new SyncError(fieldIssues(parsed.error).map((i) => `${i.field}: ${i.message}`))
  }
  const seen = new Set<string>()
  const windows = new Set<string>()
  const problems: string[] = []
  parsed.data.users.forEach((u, i) => {
    const key = u.username.toLowerCase()
    if (seen.has(key)) problems.push(`users.${i}.username: логин ${u.username} повторяется`)
    seen.add(key)
    const w = u.windows_username?.toLowerCase()
    if (w && windows.has(w)) {
      problems.push(`users.${i}.windows_username: учётная запись ${u.windows_username} повторяется`)
    }
    if (w) windows.add(w)
  })
  if (problems.length) throw new SyncError(problems)
  return parsed.data
}

const FIELD_NAMES: Record<string, string> = {
  full_name: 'ФИО',
  email: 'e-mail',
  department: 'подразделение',
  role: 'роль',
  active: 'активен',
  locked_until: 'блокировка',
  password: 'пароль',
  windows_username: 'учётная запись Windows',
}

const shown = (v: unknown) => (v == null || v === '' ? '—' : String(v))

/** One line per changed field: «подразделение: gtl → ltr». */
function describe(changes: Record<string, { old?: unknown; new?: unknown }>): string[] {
  return Object.entries(changes).map(([field, c]) =>
    field === 'password'
      ? 'пароль изменён'
      : `${FIELD_NAMES[field] ?? field}: ${shown(c.old)} → ${shown(c.new)}`,
  )
}

export async function syncUsers(
  sql: Sql,
  text: string,
  options: SyncOptions = {},
): Promise<SyncReport> {
  const file = parseSyncFile(text)
  const report: SyncReport = { created: [], updated: [], unchanged: [], details: {} }
  const env = { user: null, ip: 'users:sync' }
  const problems: string[] = []
  await sql.begin(async (tx) => {
    const departments = await tx<{ code: string; label: string }[]>`
      select code, label from departments`
    const byName = new Map<string, string>()
    for (const d of departments) {
      byName.set(norm(d.code), d.code)
      byName.set(norm(d.label), d.code)
    }
    for (const [i, entry] of file.users.entries()) {
      const notes: string[] = []
      report.details[entry.username] = notes
      try {
        const password = entry.password == null ? '' : String(entry.password)
        const windows = entry.windows_username || null
        const active = entry.active ?? entry.is_active
        const existing = await findUserByName(tx, entry.username)
        let department: string | null | undefined = entry.department
        const raw = (entry.department ?? '').trim()
        if (raw) {
          department = byName.get(norm(raw)) ?? null
          if (!department && entry.role === 'admin') {
            // an existing admin keeps the department it has
            if (existing) department = undefined
            notes.push(
              existing
                ? `подразделение «${raw}» не найдено — оставлено прежним`
                : `подразделение «${raw}» не найдено — администратор без подразделения`,
            )
          } else if (!department) {
            throw new Error(`department: подразделение «${raw}» не найдено`)
          }
        } else if (entry.department !== undefined) department = null
        const applyPassword = !!password && (!existing || !!options.resetPasswords)
        if (applyPassword) {
          const problem = passwordProblem(password, entry.username)
          if (problem) {
            problems.push(`users.${i}.password: ${problem} (${entry.username})`)
            continue
          }
        }
        if (windows) {
          const [other] = await tx`
            select username from users
            where lower(windows_username) = lower(${windows}) and lower(username) <> lower(${entry.username})`
          if (other) {
            throw new Error(`windows_username: ${windows} уже у пользователя ${other.username}`)
          }
        }
        if (!existing) {
          if (!password && !windows) {
            throw new Error('для нового пользователя нужен password (или windows_username)')
          }
          const created = await createUser(tx, {
            username: entry.username,
            full_name: entry.full_name ?? '',
            email: entry.email ?? null,
            department: department ?? null,
            role: entry.role,
            // a Windows-only account: created with a throwaway password, then left without one
            password: password || `${crypto.randomUUID()}-Aa1`,
            active: active ?? true,
          })
          if (windows) {
            await tx`update users set windows_username = ${windows} where id = ${created.id}`
          }
          if (!password) await tx`update users set password_hash = null where id = ${created.id}`
          const changes = createdChanges(created)
          if (windows) changes.windows_username = { old: null, new: windows }
          await recordAudit(tx, env, {
            action: 'user_create',
            entity: 'user',
            entityId: created.id,
            username: 'users:sync',
            changes,
          })
          notes.unshift(
            password
              ? 'создан с паролем из файла'
              : `создан без пароля, вход через Windows (${windows})`,
          )
          report.created.push(entry.username)
        } else {
          const result = await updateUser(tx, existing.id, {
            full_name: entry.full_name,
            email: entry.email,
            department,
            role: entry.role,
            active,
            password: applyPassword ? password : undefined,
          })
          const changes = userChanges(result!, applyPassword)
          if (entry.windows_username !== undefined) {
            const [w] = await tx<{ windows_username: string | null }[]>`
              select windows_username from users where id = ${existing.id}`
            if ((w.windows_username ?? null) !== windows) {
              await tx`update users set windows_username = ${windows} where id = ${existing.id}`
              changes.windows_username = { old: w.windows_username, new: windows }
            }
          }
          if (password && !applyPassword) {
            notes.push('пароль из файла не применён: пользователь уже есть (см. --reset-passwords)')
          }
          if (Object.keys(changes).length) {
            await recordAudit(tx, env, {
              action: 'user_update',
              entity: 'user',
              entityId: existing.id,
              username: 'users:sync',
              changes,
            })
            notes.unshift(...describe(changes))
            report.updated.push(entry.username)
          } else report.unchanged.push(entry.username)
        }
      } catch (error) {
        const e = error as {
          message: string
          details?: { fields?: { field: string; message: string }[] }
        }
        const detail = e.details?.fields?.map((f) => `${f.field}: ${f.message}`).join('; ')
        problems.push(`users.${i} (${entry.username}): ${detail || e.message}`)
      }
    }
    if (problems.length) throw new SyncError(problems)
  })
  return report
}

export function readSyncFile(path: string): string {
  return readFileSync(path, 'utf8')
}
