// Branch-wide pinned documents (domain/pinned.ts): PDFs only, uploaded and deleted by admins,
// listed, viewed and downloaded by every user.
//   GET    /api/pinned        {items}, newest first
//   POST   /api/pinned        multipart: file → 201 the document
//   GET    /api/pinned/:id    the PDF inline (?download=1: attachment)
//   DELETE /api/pinned/:id    the row, then the file on disk
import { z } from 'zod'
import {
  deletePinned,
  findPinned,
  listPinned,
  PINNED_FOLDER,
  storePinned,
} from '../domain/pinned.ts'
import { FileView, IdParams, Items } from '../domain/schemas.ts'
import { settingsOf } from '../domain/settings/registry.ts'
import { endpoint } from '../runtime/endpoint.ts'
import { notFound } from '../runtime/errors.ts'

const api = endpoint(import.meta.url)

const DownloadQuery = z.object({ download: z.enum(['0', '1', 'true', 'false']).optional() })

api.get(
  '/',
  { auth: 'user', summary: 'Закреплённые документы филиала', response: Items(FileView) },
  async (_req, env) => ({
    items: await listPinned(env.sql),
  }),
)

api.post(
  '/',
  {
    auth: 'admin',
    summary: 'Загрузить документ филиала (PDF)',
    body: 'raw',
    status: 201,
    response: FileView,
  },
  async (request, env) => {
    const { upload_max_mb } = await settingsOf(env)
    const received = await env.files.receive(request, PINNED_FOLDER, {
      maxBytes: upload_max_mb * 1024 * 1024,
      kinds: ['pdf'],
    })
    return storePinned(env, received)
  },
)

api.get(
  '/:id',
  {
    auth: 'user',
    summary: 'Просмотр или скачивание документа филиала (?download=1)',
    params: IdParams,
    query: DownloadQuery,
    produces: 'application/pdf',
  },
  async (_req, env, { params, query }) => {
    const doc = await findPinned(env.sql, params.id)
    const response = await env.files.send(PINNED_FOLDER, doc.storage_name, {
      name: doc.original_name,
      mime: 'application/pdf',
      download: query.download === '1' || query.download === 'true',
    })
    if (!response) {
      env.log.error('stored file missing', {
        pinned_document_id: params.id,
        storage_name: doc.storage_name,
      })
      throw notFound('Файл отсутствует в хранилище сервера')
    }
    return response
  },
)

api.delete(
  '/:id',
  { auth: 'admin', summary: 'Удалить документ филиала', status: 204, params: IdParams },
  async (_req, env, { params }) => {
    const doc = await deletePinned(env, params.id)
    await env.files.remove(PINNED_FOLDER, doc.storage_name)
  },
)

export default api
