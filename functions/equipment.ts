// The equipment register: the main table, one instrument, its writes, Excel in and out.
//   GET    /api/equipment                   user   {items, total}: q, filters, sort, order, limit, offset
//   GET    /api/equipment/export.xlsx       user   the same rows (no paging) as an Excel file
//   POST   /api/equipment/import            admin  XLSX in the export's layout; ?dry_run=1, ?create_with_id=1
//   GET    /api/equipment/:id               user   full record + history + files
//   POST   /api/equipment                   admin  create all sections → 201 full record
//   PATCH  /api/equipment/:id               admin  any subset + version → full record; 409 stale
//   DELETE /api/equipment/:id               admin  rows (and files) → 204
//   POST   /api/equipment/:id/verifications admin  a new cycle; the previous one → history
//   DELETE /api/equipment/:id/verifications/last admin  undo the last cycle (version) → 204
// Verification dates later than today + verification_future_days are refused (400).
// Laborants see their own department only (404 for another's) and never the finance fields.
import { Response } from '@whatwg-node/server'
import { z } from 'zod'
import { contentDisposition } from '../runtime/content-disposition.ts'
import { endpoint, readBody, type Env } from '../runtime/endpoint.ts'
import { MIME } from '../runtime/files/kinds.ts'
import { badRequest, jsonText, unsupportedType } from '../runtime/errors.ts'
import { EquipmentCreate, EquipmentPatch, VerificationCycle } from '../domain/equipment/fields.ts'
import { FilterQuery, ListQuery, listInstruments } from '../domain/equipment/query.ts'
import { createInstrument, editInstrument, purgeInstrument } from '../domain/equipment/edit.ts'
import { fullRecord } from '../domain/equipment/record.ts'
import { recordCycle, updateEquipment } from '../domain/equipment/write.ts'
import { streamExport } from '../domain/equipment/xlsx/export.ts'
import { importWorkbook } from '../domain/equipment/xlsx/import.ts'
import { exportFileName } from '../domain/equipment/xlsx/layout.ts'
import {
  EquipmentRecordView,
  EquipmentSavedView,
  IdParams,
  ImportReportView,
  PageOf,
  RowView,
} from '../domain/schemas.ts'
import { assertNotFuture, undoLastCycle } from '../domain/equipment/cycles.ts'
import { today } from '../runtime/clock.ts'
import { settingsOf } from '../domain/settings/registry.ts'

const api = endpoint(import.meta.url)

/** 400 for a verification date beyond today + the allowed days ahead. */
async function guardDate(env: Env, date: string | null | undefined) {
  if (!date) return
  const { verification_future_days } = await settingsOf(env)
  assertNotFuture(date, today(env.config.timeZone), verification_future_days)
}

const MAX_IMPORT_BYTES = 20 * 1024 * 1024

/** Reads the uploaded workbook: raw XLSX bytes, or multipart/form-data with a `file` field. */
async function workbookBytes(request: Request): Promise<Buffer> {
  let bytes = await readBody(request, MAX_IMPORT_BYTES, 'Файл слишком большой для загрузки')
  const type = request.headers.get('content-type') ?? ''
  if (type.startsWith('multipart/form-data')) {
    let file: unknown
    try {
      const form = await new globalThis.Response(bytes, {
        headers: { 'content-type': type },
      }).formData()
      file = form.get('file')
    } catch {
      throw badRequest('Не удалось прочитать форму с файлом')
    }
    if (!file || typeof file === 'string') throw badRequest('Приложите файл в поле «file»')
    bytes = Buffer.from(await (file as Blob).arrayBuffer())
  }
  if (bytes.length === 0) throw badRequest('Пустой файл')
  // XLSX is a ZIP archive: "PK\x03\x04"
  if (bytes.length < 4 || bytes.readUInt32LE(0) !== 0x04034b50) {
    throw unsupportedType('Ожидается файл Excel в формате XLSX')
  }
  return bytes
}

api.get(
  '/',
  {
    auth: 'user',
    summary: 'Реестр оборудования: поиск, фильтры, сортировка, страница',
    response: PageOf(RowView),
    query: ListQuery,
  },
  async (_req, env, { query }) => {
    const { expiring_days } = await settingsOf(env)
    return jsonText(await listInstruments(env.sql, env.user, query, expiring_days))
  },
)

// before '/:id': itty matches routes in the order they were added
api.get(
  '/export.xlsx',
  {
    auth: 'user',
    summary: 'Выгрузка реестра в Excel (те же параметры, что у списка)',
    query: FilterQuery,
    produces: MIME.xlsx,
  },
  async (_req, env, { query }) => {
    const { expiring_days } = await settingsOf(env)
    const body = streamExport(env.sql, env.user, query, expiring_days, env.log)
    return new Response(body, {
      headers: {
        'content-type': MIME.xlsx,
        'content-disposition': contentDisposition(
          'attachment',
          exportFileName(env.config.timeZone),
        ),
        'cache-control': 'no-store',
      },
    })
  },
)

api.post(
  '/import',
  {
    auth: 'admin',
    summary: 'Загрузка реестра из Excel (формат выгрузки); dry_run=1 — только проверка',
    response: ImportReportView,
    query: z.object({
      dry_run: z
        .enum(['0', '1', 'true', 'false'], { message: 'dry_run: 0 или 1' })
        .optional()
        .transform((v) => v === '1' || v === 'true'),
      create_with_id: z
        .enum(['0', '1', 'true', 'false'], { message: 'create_with_id: 0 или 1' })
        .optional()
        .transform((v) => v === '1' || v === 'true'),
    }),
    body: 'raw',
  },
  async (request, env, { query }) =>
    importWorkbook(await workbookBytes(request), env, {
      dryRun: query.dry_run,
      createWithId: query.create_with_id,
    }),
)

api.get(
  '/:id',
  {
    auth: 'user',
    summary: 'Карточка оборудования с историей и файлами',
    params: IdParams,
    response: EquipmentRecordView,
  },
  (_req, env, { params }) => fullRecord(env.sql, env.user, params.id),
)

api.post(
  '/',
  {
    auth: 'admin',
    summary: 'Добавить оборудование (все разделы)',
    body: EquipmentCreate,
    status: 201,
    response: EquipmentSavedView,
  },
  async (_req, env, { body }) => {
    await guardDate(env, body.verification_date)
    return createInstrument(env, body)
  },
)

api.patch(
  '/:id',
  {
    auth: 'admin',
    summary: 'Изменить поля оборудования (с версией записи)',
    response: EquipmentSavedView,
    params: IdParams,
    body: EquipmentPatch,
  },
  async (_req, env, { params, body }) => {
    await guardDate(env, body.verification_date)
    return editInstrument(env, params.id, body.version, (tx, before) =>
      updateEquipment(tx, env, before, body),
    )
  },
)

api.delete(
  '/:id',
  {
    auth: 'admin',
    summary: 'Удалить оборудование со всеми данными',
    status: 204,
    params: IdParams,
  },
  (_req, env, { params }) => purgeInstrument(env, params.id, 'register'),
)

api.post(
  '/:id/verifications',
  {
    auth: 'admin',
    summary: 'Новый цикл поверки/калибровки/аттестации (прежний — в историю)',
    status: 201,
    response: EquipmentSavedView,
    params: IdParams,
    body: VerificationCycle,
  },
  async (_req, env, { params, body }) => {
    await guardDate(env, body.verification_date)
    return editInstrument(env, params.id, body.version, (tx, before) =>
      recordCycle(tx, env, before, body),
    )
  },
)

api.delete(
  '/:id/verifications/last',
  {
    auth: 'admin',
    summary: 'Отменить последний цикл верификации (прежний возвращается из истории)',
    status: 204,
    params: IdParams,
    body: z.object({ version: EquipmentPatch.shape.version }).strict(),
  },
  async (_req, env, { params, body }) => {
    await editInstrument(env, params.id, body.version, (tx, before) =>
      undoLastCycle(tx, env, before),
    )
  },
)

export default api
