// What a document holds: the selection (ids in their order, or the register's query less its
// exceptions) read in one query within the user's scope, sorted out by the kind (what it includes,
// what it leaves out and why), and the check the client shows before generating.
import type { Sql } from '../../runtime/db.ts'
import type { AuthedEnv } from '../../runtime/endpoint.ts'
import { badRequest, notFound } from '../../runtime/errors.ts'
import { today as todayIn } from '../../runtime/clock.ts'
import { filterCondition, orderBy, type Filters } from '../equipment/query.ts'
import { departmentScope } from '../scope.ts'
import { settingsOf } from '../settings/registry.ts'
import { defaultScheduleYear, MAX_DOCUMENT_ITEMS } from '../shared/document-limits.ts'
import { namedExcluded, sortOut, type DocumentKind } from './kinds.ts'
import type { DocumentRow } from './model.ts'
import { missingRequisites, REQUISITE_LABELS } from './parts.ts'
import type { StatusLabel } from './status-labels.ts'

/** A document request as the routes parse it. */
export interface DocumentInput {
  equipment_ids?: number[]
  filter?: Filters
  except_ids: number[]
  format: 'pdf' | 'docx'
  label?: StatusLabel
  year?: number
}

/**
 * The columns documents read, from `equipment_active e` joined with `departments d`; state_since is
 * the local day of the latest audit entry that set the current state (the conservation date).
 */
const documentColumns = (sql: Sql, tz: string) => sql`
  e.id, e.equipment_name, e.equipment_model, e.equipment_type, e.equipment_specs,
  e.factory_number, e.inventory_number, e.equipment_year, e.verification_type,
  e.registry_number, e.verification_interval, e.verification_date, e.verification_due,
  e.verification_plan, e.verification_state, e.status, e.department,
  d.label as department_label, d.sort_order as department_order,
  e.responsible_person, e.verifier_org,
  (select to_char(max(a.at) at time zone ${tz}, 'YYYY-MM-DD') from audit_log a
    where a.entity = 'equipment' and a.entity_id = e.id::text
      and a.changes -> 'verification_state' ->> 'new' = e.verification_state) as state_since`

/** The selected instruments in the order given, in one query, within the user's scope. */
async function rowsByIds(sql: Sql, env: AuthedEnv, ids: number[]): Promise<DocumentRow[]> {
  const rows = await sql<DocumentRow[]>`
    select ${documentColumns(sql, env.config.timeZone)}
    from unnest(${sql.array(ids)}::bigint[]) with ordinality as s(id, ord)
    join equipment_active e on e.id = s.id
    join departments d on d.code = e.department
    where ${departmentScope(sql, env.user, 'e')}
    order by s.ord`
  if (rows.length !== ids.length) {
    const found = new Set(rows.map((r) => r.id))
    const missing = ids.filter((id) => !found.has(id))
    throw notFound(
      `Оборудование не найдено: ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? '…' : ''}`,
      { missing },
    )
  }
  return rows
}

/**
 * What the register's query finds (scoped like the list), less the excepted ids, in the list's
 * order. One row past the cap is read to know the cap is exceeded; only then is the count taken.
 */
async function rowsByFilter(
  sql: Sql,
  env: AuthedEnv,
  filter: Filters,
  except: number[],
  expiringDays: number,
): Promise<DocumentRow[]> {
  const where = sql`${filterCondition(sql, env.user, filter, expiringDays)}
    and e.id <> all(${sql.array(except)}::bigint[])`
  const rows = await sql<DocumentRow[]>`
    select ${documentColumns(sql, env.config.timeZone)}
    from equipment_active e
    join departments d on d.code = e.department
    where ${where}
    order by ${orderBy(sql, env.user, filter)}
    limit ${MAX_DOCUMENT_ITEMS + 1}`
  if (rows.length > MAX_DOCUMENT_ITEMS) {
    const [{ total }] = await sql<{ total: number }[]>`
      select count(*)::int as total from equipment_active e where ${where}`
    const message = `Выбрано ${total.toLocaleString('ru-RU')} — в одном документе не больше ${MAX_DOCUMENT_ITEMS.toLocaleString('ru-RU')} единиц оборудования. Уточните выборку`
    throw badRequest(message, { fields: [{ field: 'filter', message }], total })
  }
  return rows
}

/** Exactly one way of naming the selection: ids, or the filter with its exceptions. */
function checkSelection(input: DocumentInput) {
  const fields = []
  if (input.equipment_ids && input.filter)
    fields.push({ field: 'filter', message: 'Укажите либо equipment_ids, либо filter' })
  if (input.except_ids.length && !input.filter)
    fields.push({ field: 'except_ids', message: 'except_ids — только вместе с filter' })
  if (fields.length) throw badRequest('Проверьте поля запроса', { fields })
}

/** The selection read and sorted out: what the document holds, what it leaves out, and why. */
export async function prepare(kind: DocumentKind, env: AuthedEnv, input: DocumentInput) {
  checkSelection(input)
  const settings = await settingsOf(env)
  const ids = [...new Set(input.equipment_ids ?? [])]
  const rows = input.filter
    ? await rowsByFilter(env.sql, env, input.filter, input.except_ids, settings.expiring_days)
    : ids.length
      ? await rowsByIds(env.sql, env, ids)
      : []
  if (rows.length === 0 && !kind.allowEmpty)
    throw badRequest('Не выбрано оборудование для документа', {
      fields: [{ field: 'equipment_ids', message: 'Не выбрано оборудование для документа' }],
    })
  const today = todayIn(env.config.timeZone)
  const ctx = {
    organization: settings.organization,
    today,
    year: input.year ?? defaultScheduleYear(today),
    bidExtraColumns: settings.bid_extra_columns,
  }
  const options = { label: input.label }
  return { rows, ctx, options, ...sortOut(kind, rows, ctx, options) }
}

/** What the document would hold, for the client's warning before it generates. */
export async function checkDocument(kind: DocumentKind, env: AuthedEnv, input: DocumentInput) {
  const { rows, included, excluded, message, ctx } = await prepare(kind, env, input)
  const missing = missingRequisites(ctx.organization, kind.requisites)
  return {
    selected: rows.length,
    included: included.length,
    excluded: excluded.length,
    excluded_message: message,
    excluded_items: namedExcluded(excluded),
    requisites_missing: missing.map((k) => REQUISITE_LABELS[k]),
    year: ctx.year,
  }
}
