// Bulk user setup from YAML: create or update by username, never delete. The whole file is
// validated first; a file with any bad entry changes nothing.
import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import { recordAudit } from '../audit/record.ts'
import { Password, Role, Username } from '../schemas.ts'
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
    department: z.string().trim().min(1).nullable().optional(),
    role: Role,
    active: z.boolean().optional(),
    password: Password.optional(),
  })
  .strict()

const SyncFile = z.object({ users: z.array(Entry).min(1, 'Список users пуст') }).strict()

export interface SyncReport {
  created: string[]
  updated: string[]
  unchanged: string[]
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
  const problems: string[] = []
  parsed.data.users.forEach((u, i) => {
    const key = u.username.toLowerCase()
    if (seen.has(key)) problems.push(`users.${i}.username: логин ${u.username} повторяется`)
    seen.add(key)
  })
  if (problems.length) throw new SyncError(problems)
  return parsed.data
}

export async function syncUsers(sql: Sql, text: string): Promise<SyncReport> {
  const file = parseSyncFile(text)
  const report: SyncReport = { created: [], updated: [], unchanged: [] }
  const env = { user: null, ip: 'users:sync' }
  const problems: string[] = []
  await sql.begin(async (tx) => {
    for (const [i, entry] of file.users.entries()) {
      try {
        const existing = await findUserByName(tx, entry.username)
        if (!existing) {
          if (!entry.password) throw new Error('для нового пользователя нужен password')
          const created = await createUser(tx, {
            username: entry.username,
            full_name: entry.full_name ?? '',
            email: entry.email ?? null,
            department: entry.department ?? null,
            role: entry.role,
            password: entry.password,
            active: entry.active ?? true,
          })
          await recordAudit(tx, env, {
            action: 'user_create',
            entity: 'user',
            entityId: created.id,
            username: 'users:sync',
            changes: createdChanges(created),
          })
          report.created.push(entry.username)
        } else {
          const result = await updateUser(tx, existing.id, {
            full_name: entry.full_name,
            email: entry.email,
            department: entry.department,
            role: entry.role,
            active: entry.active,
            password: entry.password,
          })
          const changes = userChanges(result!, !!entry.password)
          if (Object.keys(changes).length) {
            await recordAudit(tx, env, {
              action: 'user_update',
              entity: 'user',
              entityId: existing.id,
              username: 'users:sync',
              changes,
            })
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
