// The archive («Списание», docs/domain.md). An archived instrument stays in the register's
// tables with archived_at/archive_reason/archived_by set, so its id, sections, verification
// history, finance, files (pin flags and order) are untouched by archive and restore. Admins
// write; laborants read their own department's archive (404 for another's); finance is hidden
// from laborants. Every action is one transaction and audited.
//   GET    /api/archive                 ?q=&department=&from=&to=&limit=&offset= → {items, total}
//   GET    /api/archive/:id             the full record (sections, history, files)
//   POST   /api/archive                 {equipment_id, reason} → the archived record
//   PATCH  /api/archive/:id             {reason}
//   POST   /api/archive/:id/restore     back to the register with the same id
//   DELETE /api/archive/:id             permanent delete: rows, then the files on disk
import { z } from 'zod'
import type { Sql, TransactionSql } from '../runtime/db.ts'
import { endpoint } from '../runtime/endpoint.ts'
import type { User } from '../runtime/endpoint.ts'
import { conflict, notFound } from '../runtime/errors.ts'
import { diffFields, recordAudit } from '../domain/audit/record.ts'
import { visibleRecord } from '../domain/equipment/fields.ts'
import { verificationHistory } from '../domain/equipment/record.ts'
import { listEquipmentFiles, removeEquipmentFiles } from '../domain/equipment/files.ts'
import {
  DateString,
  EquipmentRecordView,
  Id,
  IdParams,
  PageOf,
  Paging,
  queryList,
  queryText,
  RowView,
  Version,
} from '../domain/schemas.ts'
import { staleRecord } from '../domain/stale.ts'
import { departmentScope } from '../domain/scope.ts'
import { wordsIn } from '../domain/search.ts'

const api = endpoint(import.meta.url)

const Reason = z
  .string({ message: 'Укажите причину списания' })
  .trim()
  .min(1, 'Укажите причину списания')
  .max(2000)

const ArchiveBody = z.object({ equipment_id: Id, reason: Reason }).strict()
const ReasonBody = z.object({ reason: Reason, version: Version }).strict()
const ListQuery = z.object({
  q: queryText(),
  department: queryList(z.string().max(64)),
  from: DateString.optional(),
  to: DateString.optional(),
  ...Paging,
})

type Db = Sql | TransactionSql
type Row = Record<string, unknown>

/**
 * The full record of an instrument in the user's scope (archived or, with `archived: false`,
 * active), with its verification history and files; null when not found.
 */
async function readRecord(sql: Db, user: User, id: number, archived: boolean) {
  const [row] = await sql<Row[]>`
    select e.*, d.label as department_label,
           coalesce(nullif(u.full_name, ''), u.username) as archived_by_name
    from equipment_full e
    left join departments d on d.code = e.department
    left join users u on u.id = e.archived_by
    where e.id = ${id}
      and (e.archived_at is not null) = ${archived}
      and ${departmentScope(sql as Sql, user, 'e')}`
  if (!row) return null
  const history = await verificationHistory(sql, id)
  return {
    ...visibleRecord(row, user),
    history: history.map((h) => visibleRecord(h, user)),
    files: await listEquipmentFiles(sql, id),
  }
}

async function archivedRecord(sql: Db, user: User, id: number) {
  const record = await readRecord(sql, user, id, true)
  if (!record) throw notFound('Оборудование в архиве не найдено')
  return record
}

/** Locks an instrument row; 404 when missing, 409 when not in the expected place. */
async function lockEquipment(tx: TransactionSql, id: number, archived: boolean) {
  const [row] = await tx<
    {
      archived: boolean
      archive_reason: string | null
      version: number
      updated_by: number | null
      updated_at: Date
    }[]
  >`
    select archived_at is not null as archived, archive_reason, version, updated_by, updated_at
    from equipment
    where id = ${id}
    for update`
  if (!row)
    throw notFound(archived ? 'Оборудование в архиве не найдено' : 'Оборудование не найдено')
  if (row.archived !== archived) {
    if (archived) throw notFound('Оборудование в архиве не найдено')
    throw conflict('Оборудование уже в архиве')
  }
  return row
}

api.get(
  '/',
  {
    auth: 'user',
    summary: 'Архив (списанное оборудование)',
    query: ListQuery,
    response: PageOf(RowView),
  },
  async (_req, env, { query }) => {
    const sql = env.sql
    const searchable = sql`concat_ws(' ', e.equipment_name, e.equipment_model, e.factory_number,
      e.inventory_number, e.responsible_person, e.archive_reason, d.label, e.id::text)`
    const conditions = [
      sql`e.archived_at is not null`,
      departmentScope(sql, env.user, 'e'),
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
  },
)

api.get(
  '/:id',
  {
    auth: 'user',
    summary: 'Карточка списанного оборудования',
    params: IdParams,
    response: EquipmentRecordView,
  },
  (_req, env, { params }) => archivedRecord(env.sql, env.user, params.id),
)

api.post(
  '/',
  {
    auth: 'admin',
    summary: 'Списать оборудование в архив',
    body: ArchiveBody,
    status: 201,
    response: EquipmentRecordView,
  },
  async (_req, env, { body }) => {
    const record = await env.sql.begin(async (tx) => {
      await lockEquipment(tx, body.equipment_id, false)
      await tx`
        update equipment
        set archived_at = now(), archive_reason = ${body.reason}, archived_by = ${env.user.id},
            version = version + 1, updated_at = now(), updated_by = ${env.user.id}
        where id = ${body.equipment_id}`
      await recordAudit(tx, env, {
        action: 'archive',
        entity: 'equipment',
        entityId: body.equipment_id,
        changes: { archive_reason: { old: null, new: body.reason } },
      })
      return archivedRecord(tx, env.user, body.equipment_id)
    })
    return record
  },
)

api.patch(
  '/:id',
  {
    auth: 'admin',
    summary: 'Изменить причину списания',
    params: IdParams,
    body: ReasonBody,
    response: EquipmentRecordView,
  },
  async (_req, env, { params, body }) => {
    return env.sql.begin(async (tx) => {
      const before = await lockEquipment(tx, params.id, true)
      if (before.version !== body.version) {
        throw await staleRecord(tx, before, await archivedRecord(tx, env.user, params.id))
      }
      await tx`
        update equipment
        set archive_reason = ${body.reason}, version = version + 1, updated_at = now(),
            updated_by = ${env.user.id}
        where id = ${params.id}`
      const changes = diffFields(
        { archive_reason: before.archive_reason },
        { archive_reason: body.reason },
      )
      if (Object.keys(changes).length > 0) {
        await recordAudit(tx, env, {
          action: 'archive_update',
          entity: 'equipment',
          entityId: params.id,
          changes,
        })
      }
      return archivedRecord(tx, env.user, params.id)
    })
  },
)

api.post(
  '/:id/restore',
  {
    auth: 'admin',
    summary: 'Восстановить из архива',
    params: IdParams,
    response: EquipmentRecordView,
  },
  async (_req, env, { params }) => {
    return env.sql.begin(async (tx) => {
      const before = await lockEquipment(tx, params.id, true)
      await tx`
        update equipment
        set archived_at = null, archive_reason = null, archived_by = null,
            version = version + 1, updated_at = now(), updated_by = ${env.user.id}
        where id = ${params.id}`
      await recordAudit(tx, env, {
        action: 'restore',
        entity: 'equipment',
        entityId: params.id,
        changes: { archive_reason: { old: before.archive_reason, new: null } },
      })
      return readRecord(tx, env.user, params.id, false)
    })
  },
)

api.delete(
  '/:id',
  {
    auth: 'admin',
    summary: 'Удалить из архива навсегда (с файлами)',
    status: 204,
    params: IdParams,
  },
  async (_req, env, { params }) => {
    await env.sql.begin(async (tx) => {
      await lockEquipment(tx, params.id, true)
      const [snapshot] = await tx<Row[]>`
        select e.equipment_name, e.equipment_model, e.factory_number, e.inventory_number,
               e.department, e.archive_reason, e.archived_at,
               (select count(*)::int from equipment_file f where f.equipment_id = e.id) as files,
               (select count(*)::int from verification_history h where h.equipment_id = e.id) as history
        from equipment_full e
        where e.id = ${params.id}`
      await tx`delete from equipment where id = ${params.id}`
      await recordAudit(tx, env, {
        action: 'purge',
        entity: 'equipment',
        entityId: params.id,
        changes: snapshot ?? null,
      })
    })
    await removeEquipmentFiles(env.files, params.id)
  },
)

export default api
