// The audit log's one writer. Every change (and every login attempt) goes through recordAudit,
// inside the same transaction as the change when there is one.
import type { Sql, TransactionSql } from '../../runtime/db.ts'
import type { Env } from '../../runtime/endpoint.ts'

export type Changes = Record<string, { old: unknown; new: unknown }>

export interface AuditEntry {
  action: string
  entity: string
  entityId?: string | number | null
  changes?: Changes | Record<string, unknown> | null
  /** when nobody is logged in (a failed login): the name that was tried */
  username?: string
}

export async function recordAudit(
  sql: Sql | TransactionSql,
  env: Pick<Env, 'user' | 'ip'>,
  entry: AuditEntry,
): Promise<void> {
  await sql`
    insert into audit_log (user_id, username, action, entity, entity_id, changes, ip)
    values (
      ${env.user?.id ?? null},
      ${env.user?.username ?? entry.username ?? null},
      ${entry.action},
      ${entry.entity},
      ${entry.entityId == null ? null : String(entry.entityId)},
      ${entry.changes ? sql.json(entry.changes as any) : null},
      ${env.ip}
    )`
}

/** Fields whose values differ between two versions of a row, as {field: {old, new}}. */
export function diffFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  fields: readonly string[] = Object.keys(after),
): Changes {
  const changes: Changes = {}
  for (const f of fields) {
    const a = before[f] ?? null
    const b = after[f] ?? null
    if (JSON.stringify(a) !== JSON.stringify(b)) changes[f] = { old: a, new: b }
  }
  return changes
}
