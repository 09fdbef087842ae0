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
// found" never travels as ids (domain/documents/selection.ts). Rows come from equipment_active in one query, scoped to the
// laborant's department; unknown or other-department ids → 404 listing them; more than
// MAX_DOCUMENT_ITEMS → 400 with the count. A kind holds only its matching instruments (bids:
// their verification type; status labels and the conservation act: the state; the schedule: its
// year, by default next year from October); nothing matching → 400. The file is built in memory and sent with its Russian
// name and count (Этикетки_12_шт.pdf). At most 60 documents a minute per user (then 429).
import { Response } from '@whatwg-node/server'
import { z } from 'zod'
import { contentDisposition } from '../runtime/content-disposition.ts'
import { endpoint, type AuthedEnv } from '../runtime/endpoint.ts'
import { badRequest } from '../runtime/errors.ts'
import {
  DOCUMENT_KINDS,
  downloadName,
  type DocumentKind,
  type DocumentKindName,
} from '../domain/documents/kinds.ts'
import { MEDIA_TYPES, render } from '../domain/documents/render.ts'
import { checkDocument, prepare, type DocumentInput } from '../domain/documents/selection.ts'
import { STATUS_LABELS, type StatusLabel } from '../domain/documents/status-labels.ts'
import { FilterQuery } from '../domain/equipment/query.ts'
import { MAX_DOCUMENT_ITEMS, MAX_EXCEPT_IDS } from '../domain/shared/document-limits.ts'
import { DocumentCheckView, Id } from '../domain/schemas.ts'

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

type Input = DocumentInput

async function generate(kind: DocumentKind, env: AuthedEnv, input: Input) {
  await env.rateLimit(`documents:${env.user.id}`, DOCUMENTS_PER_MINUTE, 60_000)
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
      response: DocumentCheckView,
    },
    (_req, env, input) => checkDocument(kind, env as AuthedEnv, input.body as Input),
  )
}

export default api
