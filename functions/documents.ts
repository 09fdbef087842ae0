// Documents for a selection of equipment (docs/documents.md), as PDF or DOCX downloads:
//   POST /api/documents/labels             user   {equipment_ids, format}
//   POST /api/documents/status-labels      user   {equipment_ids, format, label}
//   POST /api/documents/conservation-act   user   {equipment_ids, format}
//   POST /api/documents/bid-verification   admin  {equipment_ids, format}
//   POST /api/documents/bid-calibration    admin  {equipment_ids, format}
//   POST /api/documents/request            admin  {equipment_ids, format}
//   POST /api/documents/commissioning-act  admin  {equipment_ids?, format} — blank when empty
//   POST /api/documents/schedule           admin  {equipment_ids, format, year?}
// Rows come from equipment_active in one query, scoped to the laborant's department; unknown or
// other-department ids → 404 listing them. The file is built in memory and sent with its Russian
// name and count (Этикетки_12_шт.pdf). At most 60 documents a minute per user (then 429).
import { Response } from '@whatwg-node/server'
import { z } from 'zod'
import type { Sql } from '../runtime/db.ts'
import { endpoint, type AuthedEnv } from '../runtime/endpoint.ts'
import { badRequest, notFound } from '../runtime/errors.ts'
import {
  DOCUMENT_KINDS,
  downloadName,
  type DocumentKind,
  type DocumentKindName,
} from '../domain/documents/kinds.ts'
import type { DocumentRow } from '../domain/documents/model.ts'
import { MEDIA_TYPES, render } from '../domain/documents/render.ts'
import { scheduleYear } from '../domain/documents/schedule.ts'
import { STATUS_LABELS, type StatusLabel } from '../domain/documents/status-labels.ts'
import { today as todayIn } from '../runtime/clock.ts'
import { contentDisposition } from '../runtime/content-disposition.ts'
import { Id } from '../domain/schemas.ts'
import { departmentScope } from '../domain/scope.ts'
import { settingsOf } from '../domain/settings/registry.ts'

const api = endpoint(import.meta.url)

export const MAX_DOCUMENT_ITEMS = 2000
/** documents one user may generate a minute: each costs up to seconds of CPU */
export const DOCUMENTS_PER_MINUTE = 60

const Body = z.object({
  equipment_ids: z
    .array(Id)
    .max(MAX_DOCUMENT_ITEMS, `Не больше ${MAX_DOCUMENT_ITEMS} единиц оборудования в документе`)
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

/** The selected instruments in the order given, in one query, within the user's scope. */
async function selectRows(sql: Sql, env: AuthedEnv, ids: number[]): Promise<DocumentRow[]> {
  return sql<DocumentRow[]>`
    select a.id, a.equipment_name, a.equipment_model, a.equipment_type, a.equipment_specs,
      a.factory_number, a.inventory_number, a.equipment_year, a.verification_type,
      a.registry_number, a.verification_interval, a.verification_date, a.verification_due,
      a.verification_plan, a.verification_state, a.status, a.department,
      d.label as department_label, d.sort_order as department_order,
      a.responsible_person, a.verifier_org
    from unnest(${sql.array(ids)}::bigint[]) with ordinality as s(id, ord)
    join equipment_active a on a.id = s.id
    join departments d on d.code = a.department
    where ${departmentScope(sql, env.user, 'a')}
    order by s.ord`
}

async function generate(kind: DocumentKind, env: AuthedEnv, input: Input) {
  env.rateLimit(`documents:${env.user.id}`, DOCUMENTS_PER_MINUTE, 60_000)
  const ids = [...new Set(input.equipment_ids)]
  if (ids.length === 0 && !kind.allowEmpty)
    throw badRequest('Не выбрано оборудование для документа')
  const rows = ids.length ? await selectRows(env.sql, env, ids) : []
  if (rows.length !== ids.length) {
    const found = new Set(rows.map((r) => r.id))
    const missing = ids.filter((id) => !found.has(id))
    throw notFound(
      `Оборудование не найдено: ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? '…' : ''}`,
      {
        missing,
      },
    )
  }
  const { organization } = await settingsOf(env)
  const today = todayIn(env.config.timeZone)
  const ctx = {
    organization,
    today,
    year: input.year ?? scheduleYear(rows, Number(today.slice(0, 4))),
  }
  const bytes = await render(kind.build(rows, ctx, { label: input.label }), input.format)
  const name = downloadName(kind.fileName({ label: input.label }), rows.length, input.format)
  return new Response(bytes as Uint8Array<ArrayBuffer>, {
    headers: {
      'content-type': MEDIA_TYPES[input.format],
      'content-length': String(bytes.byteLength),
      'content-disposition': contentDisposition('attachment', name),
      'cache-control': 'no-store',
    },
  })
}

for (const [name, kind] of Object.entries(DOCUMENT_KINDS) as [DocumentKindName, DocumentKind][]) {
  const body =
    name === 'status-labels' ? StatusLabelBody : name === 'schedule' ? ScheduleBody : Body
  api.post(
    `/${name}`,
    { auth: kind.access, summary: kind.summary, body, produces: 'application/pdf' },
    (_req, env, input) => generate(kind, env as AuthedEnv, input.body as Input),
  )
}

export default api
