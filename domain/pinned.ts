// Branch-wide pinned documents: PDFs only (by extension and content) in the file store's
// ['pinned'] folder, one row of pinned_document each; uploaded and deleted by admins (audited),
// listed newest first, viewed and downloaded by every user.
import type { Sql } from '../runtime/db.ts'
import type { AuthedEnv } from '../runtime/endpoint.ts'
import { notFound } from '../runtime/errors.ts'
import type { ReceivedFile } from '../runtime/files/receive.ts'
import type { Folder } from '../runtime/files/store.ts'
import { recordAudit } from './audit/record.ts'
import { storeUpload } from './uploads.ts'

/** The file-store folder of the branch's pinned PDFs. */
export const PINNED_FOLDER: Folder = ['pinned']

interface PinnedDocument {
  id: number
  original_name: string
  size: number
  sha256: string
  uploaded_at: Date
  uploaded_by: number | null
  uploaded_by_name: string | null
}

type Writer = Pick<AuthedEnv, 'sql' | 'user' | 'ip'>

export function listPinned(sql: Sql) {
  return sql<PinnedDocument[]>`
    select d.id, d.original_name, d.size, d.sha256, d.uploaded_at, d.uploaded_by,
           coalesce(nullif(u.full_name, ''), u.username) as uploaded_by_name
    from pinned_document d
    left join users u on u.id = d.uploaded_by
    order by d.uploaded_at desc, d.id desc`
}

/** The row of a received PDF and the file under its storage name, together or not at all. */
export async function storePinned(env: Writer, received: ReceivedFile) {
  const doc = await storeUpload(env.sql, received, async (tx, storageName) => {
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
    return row
  })
  return { ...doc, uploaded_by_name: env.user.full_name || env.user.username }
}

export async function findPinned(sql: Sql, id: number) {
  const [doc] = await sql<{ original_name: string; storage_name: string }[]>`
    select original_name, storage_name from pinned_document where id = ${id}`
  if (!doc) throw notFound('Документ не найден')
  return doc
}

/** Deletes the row (audited); the caller removes the file once this has committed. */
export function deletePinned(env: Writer, id: number) {
  return env.sql.begin(async (tx) => {
    const [row] = await tx<{ original_name: string; storage_name: string; size: number }[]>`
      delete from pinned_document
      where id = ${id}
      returning original_name, storage_name, size`
    if (!row) throw notFound('Документ не найден')
    await recordAudit(tx, env, {
      action: 'pinned_delete',
      entity: 'pinned_document',
      entityId: id,
      changes: { original_name: row.original_name, size: row.size },
    })
    return row
  })
}
