// Reading one instrument: the flat row of an active instrument in the user's scope (optionally
// locked), its verification history, the full record as the API shows it (finance hidden from
// laborants, history, files) and the 409 a stale version gets (the current record, who, when).
import type { Sql, TransactionSql } from '../../runtime/db.ts'
import type { User } from '../../runtime/endpoint.ts'
import { notFound } from '../../runtime/errors.ts'
import { checkVersion } from '../stale.ts'
import { departmentScope } from '../scope.ts'
import { ITEM_COLUMNS, visibleRecord } from './fields.ts'

type Db = Sql | TransactionSql
export type EquipmentRow = Record<string, any> & { id: number; version: number }

/** What a write needs to know of an instrument it has locked. */
export interface InstrumentLock {
  archived: boolean
  archive_reason: string | null
  version: number
  updated_by: number | null
  updated_at: Date
}

/**
 * THE row lock of an instrument (active or archived), taken first by every write to it or its
 * files so concurrent writes queue; undefined when there is no such instrument.
 */
export async function lockInstrument(
  tx: TransactionSql,
  id: number,
): Promise<InstrumentLock | undefined> {
  const [row] = await tx<InstrumentLock[]>`
    select archived_at is not null as archived, archive_reason, version, updated_by, updated_at
    from equipment
    where id = ${id}
    for update`
  return row
}

/** The flat row of an active instrument the user may see, or undefined. */
export async function findEquipment(
  sql: Db,
  user: User,
  id: number,
  opts: { lock?: boolean } = {},
): Promise<EquipmentRow | undefined> {
  if (opts.lock) await lockInstrument(sql as TransactionSql, id)
  const [row] = await sql<EquipmentRow[]>`
    select ${sql(ITEM_COLUMNS as unknown as string[])}, updated_at, updated_by
    from equipment_active e
    where e.id = ${id}
      and ${departmentScope(sql as Sql, user, 'e')}`
  return row
}

export async function verificationHistory(sql: Db, id: number) {
  return sql`
    select h.id, h.verification_type, h.registry_number, h.verification_interval,
           h.verification_date, h.verification_due, h.verification_plan, h.verification_result,
           h.certificate_number, h.verifier_org, h.verification_cost, h.recorded_at,
           u.username as recorded_by
    from verification_history h
    left join users u on u.id = h.recorded_by
    where h.equipment_id = ${id}
    order by h.verification_date desc, h.id desc`
}

/** The archive's own columns, shown with an archived instrument's record. */
const ARCHIVE_COLUMNS = [
  'created_at',
  'updated_at',
  'updated_by',
  'archived_at',
  'archive_reason',
  'archived_by',
] as const

/**
 * The full record as the user may see it, with history and files, in ONE statement: the row, and
 * its history and files as json_agg subqueries. Inside JSON a value is written as the answer
 * writes it — a timestamp as a Date would be (UTC, milliseconds truncated as a Date keeps them,
 * 'Z'), a date as 'YYYY-MM-DD', numeric and bigint as numbers — so the answer is the same as from
 * the three reads (`findEquipment`, `verificationHistory`, `listEquipmentFiles`); record.test.ts
 * compares them. `archived`: an instrument of the archive, with its archive columns, the
 * department's label and who archived it; otherwise one of the register (GET /api/equipment/:id).
 * Undefined when the user may not see it there.
 */
async function readRecord(sql: Db, user: User, id: number, archived: boolean) {
  const archive = archived
    ? sql`, ${sql(ARCHIVE_COLUMNS.map((c) => `e.${c}`))}, d.label as department_label,
        coalesce(nullif(a.full_name, ''), a.username) as archived_by_name`
    : sql``
  const from = archived
    ? sql`equipment_full e
        left join departments d on d.code = e.department
        left join users a on a.id = e.archived_by`
    : sql`equipment_active e`
  const [row] = await sql<
    (EquipmentRow & { history: Record<string, unknown>[]; files: unknown[] })[]
  >`
    select ${sql(ITEM_COLUMNS.map((c) => `e.${c}`))} ${archive},
      (select coalesce(json_agg(h order by h.verification_date desc, h.id desc), '[]')
       from (
         select h.id, h.verification_type, h.registry_number, h.verification_interval,
                h.verification_date, h.verification_due, h.verification_plan, h.verification_result,
                h.certificate_number, h.verifier_org, h.verification_cost,
                to_char(h.recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as recorded_at,
                u.username as recorded_by
         from verification_history h
         left join users u on u.id = h.recorded_by
         where h.equipment_id = e.id
       ) h) as history,
      (select coalesce(json_agg(f order by f.position, f.id), '[]')
       from (
         select f.id, f.equipment_id, f.category, f.original_name, f.size, f.sha256, f.mime,
                f.pinned, f.position,
                to_char(f.uploaded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as uploaded_at,
                f.uploaded_by, coalesce(nullif(u.full_name, ''), u.username) as uploaded_by_name
         from equipment_file f
         left join users u on u.id = f.uploaded_by
         where f.equipment_id = e.id
       ) f) as files
    from ${from}
    where e.id = ${id}
      and (e.archived_at is not null) = ${archived}
      and ${departmentScope(sql as Sql, user, 'e')}`
  if (!row) return undefined
  const { history, files, ...item } = row
  return {
    ...visibleRecord(item, user),
    history: history.map((h) => visibleRecord(h, user)),
    files,
  }
}

/** GET /api/equipment/:id — the register's full record; 404 when the user may not see it. */
export async function fullRecord(sql: Db, user: User, id: number) {
  const record = await readRecord(sql, user, id, false)
  if (!record) throw notFound('Оборудование не найдено')
  return record
}

/** GET /api/archive/:id — an archived instrument's full record; 404 when not in the archive. */
export async function archivedRecord(sql: Db, user: User, id: number) {
  const record = await readRecord(sql, user, id, true)
  if (!record) throw notFound('Оборудование в архиве не найдено')
  return record
}

/** The 409 for a stale version (domain/stale.ts): the current record and who changed it when. */
export async function checkEquipmentVersion(
  tx: Db,
  user: User,
  current: EquipmentRow,
  sent: number,
): Promise<void> {
  const { updated_at: _a, updated_by: _b, ...record } = current
  await checkVersion(tx, sent, current, visibleRecord(record, user))
}
