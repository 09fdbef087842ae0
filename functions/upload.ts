// Files attached to an instrument (docs/domain.md, "Files"). Reads are scoped to the user's
// department (404 otherwise); writes are for admins, and an archived instrument's files are
// read-only until it is restored. Viewing needs the Bearer token like every route: the client
// fetches the bytes with its token into a blob (docs/architecture.md, "Files").
//   POST   /api/upload/equipment/:id          multipart: file, category → 201 the file row
//   GET    /api/upload/equipment/:id          {items} in user order
//   PUT    /api/upload/equipment/:id/order    {file_ids} — every file of the instrument, new order
//   GET    /api/upload/:fileId                the bytes, inline (?download=1: attachment)
//   PATCH  /api/upload/:fileId                {pinned?, category?} — pinned: shown on the card
//   DELETE /api/upload/:fileId                the row, then the bytes on disk
import { z } from 'zod'
import { endpoint, parse } from '../runtime/endpoint.ts'
import { notFound } from '../runtime/errors.ts'
import { ALL_KINDS } from '../runtime/files/kinds.ts'
import {
  addEquipmentFile,
  assertEquipmentVisible,
  assertFilesWritable,
  deleteEquipmentFile,
  equipmentFolder,
  findFile,
  listEquipmentFiles,
  reorderEquipmentFiles,
  updateEquipmentFile,
} from '../domain/equipment/files.ts'
import { FileView, Id, IdParams, Items } from '../domain/schemas.ts'
import { settingsOf } from '../domain/settings/registry.ts'
import { FILE_CATEGORIES } from '../domain/shared/file-categories.ts'

const api = endpoint(import.meta.url)

const FileParams = z.object({ fileId: Id })
const Category = z.enum(FILE_CATEGORIES, {
  message: `Категория: ${FILE_CATEGORIES.join(' или ')}`,
})
const UploadFields = z.object({ category: Category })
const DownloadQuery = z.object({
  download: z.enum(['0', '1', 'true', 'false']).optional(),
})
const FilePatch = z
  .object({ pinned: z.boolean().optional(), category: Category.optional() })
  .strict()
  .refine((v) => v.pinned !== undefined || v.category !== undefined, 'Нечего изменять')
const FileOrder = z
  .object({ file_ids: z.array(Id).max(10_000) })
  .strict()
  .refine((v) => new Set(v.file_ids).size === v.file_ids.length, 'Файлы в списке повторяются')

api.post(
  '/equipment/:id',
  {
    auth: 'admin',
    summary: 'Загрузить файл оборудования',
    params: IdParams,
    body: 'raw',
    status: 201,
    response: FileView,
  },
  async (request, env, { params }) => {
    await assertFilesWritable(env.sql, env.user, params.id)
    const { upload_max_mb } = await settingsOf(env)
    const received = await env.files.receive(request, equipmentFolder(params.id), {
      maxBytes: upload_max_mb * 1024 * 1024,
      kinds: ALL_KINDS,
    })
    let category
    try {
      ;({ category } = parse(UploadFields, received.fields, 'формы'))
    } catch (error) {
      await received.discard()
      throw error
    }
    return addEquipmentFile(env, params.id, category, received)
  },
)

api.get(
  '/equipment/:id',
  {
    auth: 'user',
    summary: 'Файлы оборудования по порядку',
    params: IdParams,
    response: Items(FileView),
  },
  async (_request, env, { params }) => {
    await assertEquipmentVisible(env.sql, env.user, params.id)
    return { items: await listEquipmentFiles(env.sql, params.id) }
  },
)

api.put(
  '/equipment/:id/order',
  {
    auth: 'admin',
    summary: 'Изменить порядок файлов',
    params: IdParams,
    body: FileOrder,
    response: Items(FileView),
  },
  async (_request, env, { params, body }) => ({
    items: await reorderEquipmentFiles(env, params.id, body.file_ids),
  }),
)

api.get(
  '/:fileId',
  {
    auth: 'user',
    summary: 'Просмотр или скачивание файла (?download=1)',
    params: FileParams,
    query: DownloadQuery,
    produces: 'application/octet-stream',
  },
  async (_request, env, { params, query }) => {
    const file = await findFile(env.sql, env.user, params.fileId)
    const download = query.download === '1' || query.download === 'true'
    const response = await env.files.send(equipmentFolder(file.equipment_id), file.storage_name, {
      name: file.original_name,
      mime: file.mime,
      download,
    })
    if (!response) {
      env.log.error('stored file missing', { file_id: file.id, storage_name: file.storage_name })
      throw notFound('Файл отсутствует в хранилище сервера')
    }
    return response
  },
)

api.patch(
  '/:fileId',
  {
    auth: 'admin',
    summary: 'Показать на карточке оборудования (pinned), сменить категорию',
    response: FileView,
    params: FileParams,
    body: FilePatch,
  },
  (_request, env, { params, body }) =>
    updateEquipmentFile(env, params.fileId, { shownOnCard: body.pinned, category: body.category }),
)

api.delete(
  '/:fileId',
  { auth: 'admin', summary: 'Удалить файл', status: 204, params: FileParams },
  (_request, env, { params }) => deleteEquipmentFile(env, params.fileId),
)

export default api
