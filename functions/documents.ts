// Documents for a selection of equipment (docs/documents.md), as PDF or DOCX downloads:
//   POST /api/documents/labels             user   {selection, format}
//   POST /api/documents/status-labels      user   {selection, format, label}
//   POST /api/documents/conservation-act   user   {selection, format}
//   POST /api/documents/bid-verification   admin  {selection, format}
//   POST /api/documents/bid-calibration    admin  {selection, format}
//   POST /api/documents/request            admin  {selection, format}
//   POST /api/documents/commissioning-act  admin  {selection?, format} — blank when empty
//   POST /api/documents/schedule           admin  {selection, format, year?}
//   POST /api/documents/<kind>/check       as the kind: what the document would hold — how many
//        of the selection it leaves out and why («3 из 10 — не поверка, не включены»), the
//        requisites it prints that are not filled in — so the client warns before generating
// The selection is either `equipment_ids` (in that order) or `filter` + `except_ids`: the
// register list's own query (same schema, WHERE and sort as GET /api/equipment), so "select all
// found" never travels as ids. Rows come from equipment_active in one query, scoped to the
// laborant's department; unknown or other-department ids → 404 listing them; more than
// MAX_DOCUMENT_ITEMS → 400 with the count. A kind holds only its matching instruments (bids:
// their verification type; status labels and the conservation act: the state; the schedule: its
// year, by default next year from October); nothing matching → 400. The file is built in memory and sent with its Russian
// name and count (Этикетки_12_шт.pdf). At most 60 documents a minute per user (then 429).
import { Response } from '@whatwg-node/server'
import { z } from 'zod'
import type { Sql } from '../runtime/db.ts'
import { endpoint, type AuthedEnv } from '../runtime/endpoint.ts'
import { badRequest, notFound } from '../runtime/errors.ts'
import {
  DOCUMENT_KINDS,
  downloadName,
  namedExcluded,
  sortOut,
  type DocumentKind,
  type DocumentKindName,
} from '../domain/documents/kinds.ts'
import type { DocumentRow } from '../domain/documents/model.ts'
import { missingRequisites, REQUISITE_LABELS } from '../domain/documents/parts.ts'
import { MEDIA_TYPES, render } from '../domain/documents/render.ts'
import { STATUS_LABELS, type StatusLabel } from '../domain/documents/status-labels.ts'
import { filterCondition, FilterQuery, orderBy, type Filters } from '../domain/equipment/query.ts'
import {
  defaultScheduleYear,
  MAX_DOCUMENT_ITEMS,
  MAX_EXCEPT_IDS,
} from '../domain/shared/document-limits.ts'
import { today as todayIn } from '../runtime/clock.ts'
import { contentDisposition } from '../runtime/content-disposition.ts'
import { Id } from '../domain/schemas.ts'
import { departmentScope } from '../domain/scope.ts'
import { settingsOf } from '../domain/settings/registry.ts'

const api = endpoint(import.meta.url)

/** documents one user may generate a minute: each costs up to seconds of CPU */
export const DOCUMENTS_PER_MINUTE = 60

const Body = z.object({
  equipment_ids: z
    .array(Id)
    .max(MAX_DOCUMENT_ITEMS, `Не больше ${MAX_DOCUMENT_ITEMS} единиц оборудования в документе`)
    .optional(),
  /** the register's query: every instrument it finds, less `except_ids` */
  filter: FilterQuery.optional(),
  except_ids: z
    .array(Id)
    .max(MAX_EXCEPT_IDS, `Не больше ${MAX_EXCEPT_IDS} исключённых записей`)
    .default([]),
  format: z.enum(['pdf', 'docx'], { message: 'Формат: pdf или docx' }),
})
const StatusLabelBody = Body.extend({
  label: z.enum(Object.keys(STATUS_LABELS) as [StatusLabel, ...StatusLabel[]], {
    message: 'Вид этикетки: storage, repair или forbidden',
  }),
})
const ScheduleBody = Body.extend({ year: z.number().int().min(2000).max(2100).optional() })

type Input = z.output<typeof Body> & { label?: StatusLabel; year?: number }

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
function checkSelection(input: Input) {
  const fields = []
  if (input.equipment_ids && input.filter)
    fields.push({ field: 'filter', message: 'Укажите либо equipment_ids, либо filter' })
  if (input.except_ids.length && !input.filter)
    fields.push({ field: 'except_ids', message: 'except_ids — только вместе с filter' })
  if (fields.length) throw badRequest('Проверьте поля запроса', { fields })
}

/** The selection read and sorted out: what the document holds, what it leaves out, and why. */
async function prepare(kind: DocumentKind, env: AuthedEnv, input: Input) {
  checkSelection(input)
  const settings = await settingsOf(env)
  const ids = [...new Set(input.equipment_ids ?? [])]
  const rows = input.filter
    ? await rowsByFilter(env.sql, env, input.filter, input.except_ids, settings.expiring_days)
    : ids.length
      ? await rowsByIds(env.sql, env, ids)
      : []
  if (rows.length === 0 && !kind.allowEmpty)
    throw badRequest('Не выбрано оборудование для документа')
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

async function generate(kind: DocumentKind, env: AuthedEnv, input: Input) {
  env.rateLimit(`documents:${env.user.id}`, DOCUMENTS_PER_MINUTE, 60_000)
  const { rows, included, message, ctx, options } = await prepare(kind, env, input)
  if (rows.length && !included.length)
    throw badRequest(`Нечего печатать: ${message}`, { excluded: rows.length })
  const bytes = await render(kind.build(included, ctx, options), input.format)
  const name = downloadName(kind.fileName(options), included.length, input.format)
  return new Response(bytes as Uint8Array<ArrayBuffer>, {
    headers: {
      'content-type': MEDIA_TYPES[input.format],
      'content-length': String(bytes.byteLength),
      'content-disposition': contentDisposition('attachment', name),
      'cache-control': 'no-store',
    },
  })
}

/** What the document would hold, for the client's warning before it generates. */
const CheckView = z.object({
  selected: z.number().int(),
  included: z.number().int(),
  excluded: z.number().int(),
  excluded_message: z.string().nullable(),
  excluded_items: z.array(z.unknown()),
  requisites_missing: z.array(z.string()),
  year: z.number().int().nullable().optional(),
})

async function check(kind: DocumentKind, env: AuthedEnv, input: Input) {
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

for (const [name, kind] of Object.entries(DOCUMENT_KINDS) as [DocumentKindName, DocumentKind][]) {
  const body =
    name === 'status-labels' ? StatusLabelBody : name === 'schedule' ? ScheduleBody : Body
  api.post(
    `/${name}`,
    { auth: kind.access, summary: kind.summary, body, produces: 'application/pdf' },
    (_req, env, input) => generate(kind, env as AuthedEnv, input.body as Input),
  )
  api.post(
    `/${name}/check`,
    {
      auth: kind.access,
      summary: `${kind.summary}: что войдёт в документ`,
      body,
      response: CheckView,
    },
    (_req, env, input) => check(kind, env as AuthedEnv, input.body as Input),
  )
}

export default api
