// The live register's events: the rows the triggers of migration 00016 write, what one
// user may receive of each (the department scope, a move told as removed/added), their retention.
import type { Sql, TransactionSql } from '../../runtime/db.ts'
import type { User } from '../../runtime/endpoint.ts'
import { seesDepartment } from '../scope.ts'

export interface ChangeEventRow {
  id: number
  kind: 'created' | 'updated' | 'cycle' | 'archived' | 'restored' | 'deleted'
  equipment_id: number
  version: number | null
  department: string | null
  previous_department: string | null
  user_id: number | null
  user_name: string | null
  at: Date
}

/** What a client receives: ids and who/when, never a field value (no finance either). */
export interface LiveEvent {
  id: number
  kind: ChangeEventRow['kind'] | 'added' | 'removed'
  equipment_id: number
  version: number | null
  department: string | null
  user_id: number | null
  user_name: string | null
  at: string
}

/** Kept this long; a client resuming from before it gets a reset. */
const RETENTION_HOURS = 24

/** The largest batch read at once; a resume further behind than this is a reset. */
export const BATCH = 1000

export async function readEvents(
  sql: Sql,
  after: number,
  limit = BATCH,
): Promise<ChangeEventRow[]> {
  return sql<ChangeEventRow[]>`
    select id::int, kind, equipment_id::int, version, department, previous_department,
           user_id::int, user_name, at
    from change_event
    where id > ${after}
    order by id
    limit ${limit}`
}

/** The newest event id and the id up to which rows may have been purged. */
export async function eventBounds(sql: Sql): Promise<{ last: number; purged: number }> {
  const [row] = await sql<{ last: number; purged: number }[]>`
    select coalesce((select max(id) from change_event), 0)::int as last,
           (select purged_through from change_event_meta)::int as purged`
  return row
}

/**
 * The event as `user` sees it, or null when it is none of their business. A laborant sees their
 * department's instruments: one that leaves it is `removed`, one that arrives is `added`.
 */
export function eventFor(
  user: Pick<User, 'role' | 'department'>,
  row: ChangeEventRow,
): LiveEvent | null {
  const moved = row.previous_department !== null && row.previous_department !== row.department
  let kind: LiveEvent['kind'] = row.kind
  if (!seesDepartment(user, row.department)) {
    if (!moved || !seesDepartment(user, row.previous_department)) return null
    kind = 'removed'
  } else if (moved && !seesDepartment(user, row.previous_department)) {
    kind = 'added'
  }
  return {
    id: row.id,
    kind,
    equipment_id: row.equipment_id,
    version: row.version,
    department: kind === 'removed' ? null : row.department,
    user_id: row.user_id,
    user_name: row.user_name,
    at: new Date(row.at).toISOString(),
  }
}

/** The daily retention: rows older than RETENTION_HOURS go, and the watermark moves past them. */
export async function purgeEvents(sql: Sql): Promise<number> {
  return sql.begin(async (tx) => {
    const gone = await tx<{ id: number }[]>`
      delete from change_event
      where at < now() - make_interval(hours => ${RETENTION_HOURS})
      returning id::int`
    if (gone.length) {
      const top = gone.reduce((m, r) => Math.max(m, r.id), 0)
      await tx`update change_event_meta set purged_through = greatest(purged_through, ${top})`
    }
    return gone.length
  })
}

/** Names who deletes, for the `deleted` event the delete trigger writes (else: who edited last). */
export async function deletedBy(
  tx: TransactionSql,
  userId: number | null | undefined,
): Promise<void> {
  if (userId) await tx`select set_config('deltica.actor', ${String(userId)}, true)`
}
