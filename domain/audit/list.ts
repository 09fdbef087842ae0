// The audit log as the admin reads it: newest first, filtered, paged; every filter is indexed.
// Dates are local days (the session time zone): `to` is inclusive. Each row comes with its
// Russian presentation (./present.ts); the XLSX export writes the same rows without paging.
import ExcelJS from 'exceljs'
import type { Sql } from '../../runtime/db.ts'
import { badRequest } from '../../runtime/errors.ts'
import { presentAudit, type AuditRow } from './present.ts'

/** the most rows one export writes (newest first) */
const AUDIT_EXPORT_MAX = 50_000

export interface AuditFilter {
  user_id?: number
  username?: string
  entity?: string[]
  entity_id?: string
  action?: string[]
  from?: string
  to?: string
  limit: number
  offset: number
}

function auditCondition(sql: Sql, query: Omit<AuditFilter, 'limit' | 'offset'>) {
  if (query.from && query.to && query.from > query.to) {
    throw badRequest('Начало периода позже его конца', {
      fields: [{ field: 'to', message: 'Начало периода позже его конца' }],
    })
  }
  const where = [
    query.user_id ? sql`user_id = ${query.user_id}` : null,
    query.username ? sql`lower(username) = lower(${query.username})` : null,
    query.entity ? sql`entity = any(${query.entity})` : null,
    query.entity_id ? sql`entity_id = ${query.entity_id}` : null,
    query.action ? sql`action = any(${query.action})` : null,
    query.from ? sql`at >= ${query.from}::date` : null,
    query.to ? sql`at < ${query.to}::date + 1` : null,
  ].filter((c) => c !== null)
  const condition = where.length
    ? where.reduce((acc, c, i) => (i === 0 ? sql`where ${c}` : sql`${acc} and ${c}`), sql``)
    : sql``
  return condition
}

/** The page's rows with the instrument or user they name (a left join: gone ones stay bare). */
function auditRows(
  sql: Sql,
  condition: ReturnType<typeof auditCondition>,
  limit: number,
  offset: number,
) {
  // a CASE, so that a non-numeric id (a job's name) is never cast
  // a purge writes the field itself, a deletion its {old, new} pair
  const snapshot = (field: string) =>
    sql`coalesce(gone.changes -> ${field} ->> 'old', gone.changes ->> ${field})`
  const numericId = sql`case when a.entity_id ~ '^[0-9]{1,18}$' then a.entity_id::bigint end`
  return sql<(AuditRow & { user_id: number | null })[]>`
    select a.id, a.at, a.user_id, a.username, a.action, a.entity, a.entity_id, a.changes, a.ip,
           case
             when e.id is not null then json_build_object(
               'name', e.equipment_name, 'model', e.equipment_model,
               'factory_number', e.factory_number, 'inventory_number', e.inventory_number)
             when gone.changes is not null then json_build_object(
               'name', ${snapshot('equipment_name')}, 'model', ${snapshot('equipment_model')},
               'factory_number', ${snapshot('factory_number')},
               'inventory_number', ${snapshot('inventory_number')}, 'gone', true)
           end as equipment,
           u.username as user_login
    from (
      select * from audit_log
      ${condition}
      order by at desc, id desc
      limit ${limit}
      offset ${offset}
    ) a
    left join equipment e
      on a.entity = 'equipment' and e.id = ${numericId}
    -- an instrument no longer on record: named by what its deletion or purge wrote down
    left join lateral (
      select g.changes from audit_log g
      where e.id is null and a.entity = 'equipment' and g.entity = 'equipment'
        and g.entity_id = a.entity_id and g.action in ('purge', 'equipment_delete')
      order by g.at desc
      limit 1
    ) gone on true
    left join users u
      on a.entity = 'user' and u.id = ${numericId}
    order by a.at desc, a.id desc`
}

const departmentLabels = async (sql: Sql) =>
  Object.fromEntries(
    (await sql<{ code: string; label: string }[]>`select code, label from departments`).map((d) => [
      d.code,
      d.label,
    ]),
  )

export async function listAudit(sql: Sql, query: AuditFilter, timeZone: string) {
  const condition = auditCondition(sql, query)
  const [rows, [{ total }], departments] = await Promise.all([
    auditRows(sql, condition, query.limit, query.offset),
    sql`select count(*)::int as total from audit_log ${condition}`,
    departmentLabels(sql),
  ])
  const items = rows.map(({ equipment: _e, user_login: _u, ...row }, i) => ({
    ...row,
    ...presentAudit(rows[i], departments, timeZone),
  }))
  return { items, total }
}

/** The filtered log (newest first, at most AUDIT_EXPORT_MAX rows) as an XLSX workbook. */
export async function exportAudit(
  sql: Sql,
  query: Omit<AuditFilter, 'limit' | 'offset'>,
  timeZone: string,
): Promise<Buffer> {
  const condition = auditCondition(sql, query)
  const [rows, departments] = await Promise.all([
    auditRows(sql, condition, AUDIT_EXPORT_MAX, 0),
    departmentLabels(sql),
  ])
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('Журнал аудита')
  ws.columns = [
    { header: 'Когда', key: 'at', width: 20 },
    { header: 'Кто', key: 'who', width: 16 },
    { header: 'Действие', key: 'action', width: 28 },
    { header: 'Объект', key: 'object', width: 48 },
    { header: 'Изменения', key: 'changes', width: 70 },
    { header: 'IP', key: 'ip', width: 16 },
  ]
  ws.getRow(1).font = { bold: true }
  ws.views = [{ state: 'frozen', ySplit: 1 }]
  for (const row of rows) {
    const p = presentAudit(row, departments, timeZone)
    ws.addRow({
      at: new Date(row.at).toLocaleString('ru-RU', { timeZone }),
      who: row.username ?? '—',
      action: p.action_label,
      object: p.object,
      changes: p.changes_list
        .map((c) => `${c.label}: ${c.old === null ? '' : `${c.old} → `}${c.new}`)
        .join('\n'),
      ip: row.ip ?? '',
    }).alignment = { wrapText: true, vertical: 'top' }
  }
  return Buffer.from(await wb.xlsx.writeBuffer())
}
