// The archive («Списание», docs/domain.md): an archived instrument stays in the register's tables
// with archived_at/archive_reason/archived_by set, so its id, sections, verification history,
// finance and files are untouched by archive and restore. Every write locks the instrument
// (lockInstrument), is one transaction and is audited.
import type { Sql, TransactionSql } from '../../runtime/db.ts'
import type { AuthedEnv, User } from '../../runtime/endpoint.ts'
import { conflict, notFound } from '../../runtime/errors.ts'
import { diffFields, recordAudit } from '../audit/record.ts'
import { departmentScope } from '../scope.ts'
import { wordsIn } from '../search.ts'
import { staleRecord } from '../stale.ts'
import { archivedRecord, fullRecord, lockInstrument } from './record.ts'

type Row = Record<string, unknown>
type Writer = Pick<AuthedEnv, 'sql' | 'user' | 'ip'>

export interface ArchiveQuery {
  q?: string
  department?: string[]
  from?: string
  to?: string
  limit: number
  offset: number
}

/** Locks an instrument; 404 when missing, 409 when not where the action expects it. */
async function lockFor(tx: TransactionSql, id: number, archived: boolean) {
  const row = await lockInstrument(tx, id)
  if (!row)
    throw notFound(archived ? 'Оборудование в архиве не найдено' : 'Оборудование не найдено')
  if (row.archived !== archived) {
    if (archived) throw notFound('Оборудование в архиве не найдено')
    throw conflict('Оборудование уже в архиве')
  }
  return row
}

/** One page of the archive in the user's scope, newest first; `q` as every list searches. */
export async function listArchive(sql: Sql, user: User, query: ArchiveQuery) {
  const searchable = sql`concat_ws(' ', e.equipment_name, e.equipment_model, e.factory_number,
    e.inventory_number, e.responsible_person, e.archive_reason, d.label, e.id::text)`
  const conditions = [
    sql`e.archived_at is not null`,
    departmentScope(sql, user, 'e'),
    ...wordsIn(sql, searchable, query.q),
  ]
  if (query.department?.length) conditions.push(sql`e.department in ${sql(query.department)}`)
  if (query.from) conditions.push(sql`e.archived_at >= ${query.from}::date`)
  if (query.to) conditions.push(sql`e.archived_at < ${query.to}::date + 1`)
  const where = conditions.reduce((a, c) => sql`${a} and ${c}`)
  const rows = await sql<(Row & { total: number })[]>`
    select e.id, e.equipment_name, e.equipment_model, e.equipment_type, e.factory_number,
           e.inventory_number, e.equipment_year, e.department, d.label as department_label,
           e.responsible_person, e.verification_type, e.verification_date, e.verification_due,
           e.verification_state, e.archived_at, e.archive_reason, e.archived_by,
           coalesce(nullif(u.full_name, ''), u.username) as archived_by_name, e.version,
           count(*) over () as total
    from equipment_full e
    left join departments d on d.code = e.department
    left join users u on u.id = e.archived_by
    where ${where}
    order by e.archived_at desc, e.id desc
    limit ${query.limit}
    offset ${query.offset}`
  let total = rows[0]?.total ?? 0
  if (rows.length === 0 && query.offset > 0) {
    const [count] = await sql<{ n: number }[]>`
      select count(*)::int as n
      from equipment_full e
      left join departments d on d.code = e.department
      where ${where}`
    total = count.n
  }
  return { items: rows.map(({ total: _, ...r }) => r), total }
}

/** Moves an active instrument to the archive with its reason → the archived record. */
export function archiveInstrument(env: Writer, id: number, reason: string) {
  return env.sql.begin(async (tx) => {
    await lockFor(tx, id, false)
    await tx`
      update equipment
      set archived_at = now(), archive_reason = ${reason}, archived_by = ${env.user.id},
          version = version + 1, updated_at = now(), updated_by = ${env.user.id}
      where id = ${id}`
    await recordAudit(tx, env, {
      action: 'archive',
      entity: 'equipment',
      entityId: id,
      changes: { archive_reason: { old: null, new: reason } },
    })
    return archivedRecord(tx, env.user, id)
  })
}

/** A new reason for an archived instrument, with the version check → the record. */
export function updateArchiveReason(env: Writer, id: number, reason: string, version: number) {
  return env.sql.begin(async (tx) => {
    const before = await lockFor(tx, id, true)
    if (before.version !== version) {
      throw await staleRecord(tx, before, await archivedRecord(tx, env.user, id))
    }
    await tx`
      update equipment
      set archive_reason = ${reason}, version = version + 1, updated_at = now(),
          updated_by = ${env.user.id}
      where id = ${id}`
    const changes = diffFields(
      { archive_reason: before.archive_reason },
      { archive_reason: reason },
    )
    if (Object.keys(changes).length > 0) {
      await recordAudit(tx, env, {
        action: 'archive_update',
        entity: 'equipment',
        entityId: id,
        changes,
      })
    }
    return archivedRecord(tx, env.user, id)
  })
}

/** Back to the register with the same id → its record as the register shows it. */
export function restoreInstrument(env: Writer, id: number) {
  return env.sql.begin(async (tx) => {
    const before = await lockFor(tx, id, true)
    await tx`
      update equipment
      set archived_at = null, archive_reason = null, archived_by = null,
          version = version + 1, updated_at = now(), updated_by = ${env.user.id}
      where id = ${id}`
    await recordAudit(tx, env, {
      action: 'restore',
      entity: 'equipment',
      entityId: id,
      changes: { archive_reason: { old: before.archive_reason, new: null } },
    })
    return fullRecord(tx, env.user, id)
  })
}
