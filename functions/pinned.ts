// Branch-wide pinned documents (docs/domain.md): PDFs only (by extension and
// content), uploaded and deleted by admins, listed, viewed and downloaded by every user.
//   GET    /api/pinned        {items}, newest first
//   POST   /api/pinned        multipart: file → 201 the document
//   GET    /api/pinned/:id    the PDF inline (?download=1: attachment)
//   DELETE /api/pinned/:id    the row, then the file on disk
import { z } from 'zod'
import { endpoint } from '../runtime/endpoint.ts'
import { json, notFound } from '../runtime/errors.ts'
import { newStorageName } from '../runtime/files/names.ts'
import type { Folder } from '../runtime/files/store.ts'
import { recordAudit } from '../domain/audit/record.ts'
import { IdParams } from '../domain/schemas.ts'
import { settingsOf } from '../domain/settings/registry.ts'

const api = endpoint(import.meta.url)

/** The file-store folder of the branch's pinned PDFs. */
const PINNED_FOLDER: Folder = ['pinned']

const DownloadQuery = z.object({ download: z.enum(['0', '1', 'true', 'false']).optional() })

interface PinnedDocument {
  id: number
  original_name: string
  size: number
  sha256: string
  uploaded_at: Date
  uploaded_by: number | null
  uploaded_by_name: string | null
}

api.get('/', { auth: 'user', summary: 'Закреплённые документы филиала' }, async (_req, env) => {
  const items = await env.sql<PinnedDocument[]>`
    select d.id, d.original_name, d.size, d.sha256, d.uploaded_at, d.uploaded_by,
           coalesce(nullif(u.full_name, ''), u.username) as uploaded_by_name
    from pinned_document d
    left join users u on u.id = d.uploaded_by
    order by d.uploaded_at desc, d.id desc`
  return { items }
})

api.post(
  '/',
  { auth: 'admin', summary: 'Загрузить документ филиала (PDF)', body: 'raw' },
  async (request, env) => {
    const { upload_max_mb } = await settingsOf(env)
    const received = await env.files.receive(request, PINNED_FOLDER, {
      maxBytes: upload_max_mb * 1024 * 1024,
      kinds: ['pdf'],
    })
    try {
      const doc = await env.sql.begin(async (tx) => {
        const storageName = newStorageName('pdf')
        const [row] = await tx<PinnedDocument[]>`
          insert into pinned_document (original_name, storage_name, size, sha256, uploaded_by)
          values (${received.originalName}, ${storageName}, ${received.size}, ${received.sha256}, ${env.user.id})
          returning id, original_name, size, sha256, uploaded_at, uploaded_by`
        await recordAudit(tx, env, {
          action: 'pinned_upload',
          entity: 'pinned_document',
          entityId: row.id,
          changes: { original_name: row.original_name, size: row.size, sha256: row.sha256 },
        })
        await received.commit(storageName)
        return row
      })
      return json({ ...doc, uploaded_by_name: env.user.full_name || env.user.username }, 201)
    } catch (error) {
      await received.discard()
      throw error
    }
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
    const [doc] = await env.sql<{ original_name: string; storage_name: string }[]>`
      select original_name, storage_name from pinned_document where id = ${params.id}`
    if (!doc) throw notFound('Документ не найден')
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
  { auth: 'admin', summary: 'Удалить документ филиала', params: IdParams },
  async (_req, env, { params }) => {
    const doc = await env.sql.begin(async (tx) => {
      const [row] = await tx<{ original_name: string; storage_name: string; size: number }[]>`
        delete from pinned_document
        where id = ${params.id}
        returning original_name, storage_name, size`
      if (!row) throw notFound('Документ не найден')
      await recordAudit(tx, env, {
        action: 'pinned_delete',
        entity: 'pinned_document',
        entityId: params.id,
        changes: { original_name: row.original_name, size: row.size },
      })
      return row
    })
    await env.files.remove(PINNED_FOLDER, doc.storage_name)
    return { deleted: params.id }
  },
)

export default api
