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
import type { TransactionSql } from '../runtime/db.ts'
import { endpoint, parse } from '../runtime/endpoint.ts'
import { badRequest, conflict, notFound } from '../runtime/errors.ts'
import { ALL_KINDS } from '../runtime/files/kinds.ts'
import { newStorageName } from '../runtime/files/names.ts'
import { diffFields, recordAudit } from '../domain/audit/record.ts'
import {
  assertEquipmentVisible,
  equipmentFolder,
  FILE_CATEGORIES,
  findFile,
  listEquipmentFiles,
  type EquipmentFile,
} from '../domain/equipment/files.ts'
import { FileView, Id, IdParams, Items } from '../domain/schemas.ts'
import { settingsOf } from '../domain/settings/registry.ts'

const api = endpoint(import.meta.url)

const FileParams = z.object({ fileId: Id })
const Category = z.enum(FILE_CATEGORIES, {
  message: 'Категория: verification_docs или general_docs',
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

/** Locks an instrument for a change to its files: 404 when missing, 409 when archived. */
async function lockActiveEquipment(tx: TransactionSql, equipmentId: number) {
  const [row] = await tx<{ archived: boolean }[]>`
    select archived_at is not null as archived
    from equipment
    where id = ${equipmentId}
    for update`
  if (!row) throw notFound('Оборудование не найдено')
  if (row.archived) {
    throw conflict('Оборудование в архиве: файлы можно менять после восстановления')
  }
}

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
    const { archived } = await assertEquipmentVisible(env.sql, env.user, params.id)
    if (archived) throw conflict('Оборудование в архиве: файлы можно менять после восстановления')
    const { upload_max_mb } = await settingsOf(env)
    const received = await env.files.receive(request, equipmentFolder(params.id), {
      maxBytes: upload_max_mb * 1024 * 1024,
      kinds: ALL_KINDS,
    })
    try {
      const { category } = parse(UploadFields, received.fields, 'формы')
      const file = await env.sql.begin(async (tx) => {
        await lockActiveEquipment(tx, params.id)
        const storageName = newStorageName(received.kind)
        const [row] = await tx<EquipmentFile[]>`
          insert into equipment_file
            (equipment_id, category, original_name, storage_name, size, sha256, mime, position, uploaded_by)
          values (
            ${params.id}, ${category}, ${received.originalName}, ${storageName}, ${received.size},
            ${received.sha256}, ${received.mime},
            (select coalesce(max(position), 0) + 1 from equipment_file where equipment_id = ${params.id}),
            ${env.user.id}
          )
          returning id, equipment_id, category, original_name, size, sha256, mime, pinned,
                    position, uploaded_at, uploaded_by`
        await recordAudit(tx, env, {
          action: 'file_upload',
          entity: 'equipment_file',
          entityId: row.id,
          changes: {
            equipment_id: params.id,
            original_name: row.original_name,
            category,
            size: row.size,
            sha256: row.sha256,
          },
        })
        await received.commit(storageName)
        return row
      })
      return { ...file, uploaded_by_name: env.user.full_name || env.user.username }
    } catch (error) {
      await received.discard()
      throw error
    }
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
  async (_request, env, { params, body }) => {
    await env.sql.begin(async (tx) => {
      await lockActiveEquipment(tx, params.id)
      const current = await tx<{ id: number }[]>`
        select id from equipment_file where equipment_id = ${params.id} order by position, id`
      const before = current.map((r) => r.id)
      const known = new Set(before)
      if (before.length !== body.file_ids.length || body.file_ids.some((id) => !known.has(id))) {
        throw badRequest(
          'Порядок должен перечислять все файлы этого оборудования, каждый один раз',
          {
            file_ids: before,
          },
        )
      }
      await tx`
        update equipment_file f
        set position = o.ord
        from unnest(${tx.array(body.file_ids)}::bigint[]) with ordinality as o(id, ord)
        where f.id = o.id
          and f.equipment_id = ${params.id}`
      await recordAudit(tx, env, {
        action: 'file_reorder',
        entity: 'equipment',
        entityId: params.id,
        changes: diffFields({ file_order: before }, { file_order: body.file_ids }),
      })
    })
    return { items: await listEquipmentFiles(env.sql, params.id) }
  },
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
  async (_request, env, { params, body }) => {
    return env.sql.begin(async (tx) => {
      const before = await findFile(tx, env.user, params.fileId)
      await lockActiveEquipment(tx, before.equipment_id)
      const [after] = await tx<EquipmentFile[]>`
        update equipment_file
        set pinned = coalesce(${body.pinned ?? null}::boolean, pinned),
            category = coalesce(${body.category ?? null}::text, category)
        where id = ${params.fileId}
        returning id, equipment_id, category, original_name, size, sha256, mime, pinned,
                  position, uploaded_at, uploaded_by`
      const changes = diffFields({ ...before }, { ...after }, ['pinned', 'category'])
      if (Object.keys(changes).length > 0) {
        await recordAudit(tx, env, {
          action: 'file_update',
          entity: 'equipment_file',
          entityId: params.fileId,
          changes,
        })
      }
      return after
    })
  },
)

api.delete(
  '/:fileId',
  { auth: 'admin', summary: 'Удалить файл', status: 204, params: FileParams },
  async (_request, env, { params }) => {
    const removed = await env.sql.begin(async (tx) => {
      const file = await findFile(tx, env.user, params.fileId)
      await lockActiveEquipment(tx, file.equipment_id)
      await tx`delete from equipment_file where id = ${params.fileId}`
      await recordAudit(tx, env, {
        action: 'file_delete',
        entity: 'equipment_file',
        entityId: params.fileId,
        changes: {
          equipment_id: file.equipment_id,
          original_name: file.original_name,
          category: file.category,
          size: file.size,
          sha256: file.sha256,
        },
      })
      return file
    })
    await env.files.remove(equipmentFolder(removed.equipment_id), removed.storage_name)
  },
)

export default api
