// Files attached to instruments: their folder in the file store (uploads/equipment/<id>/), the row
// shape, the scoped look-ups, and the one helper that removes an instrument's files from disk once
// its rows are deleted (equipment DELETE and archive purge both call it after their transaction
// commits).
import type { Sql, TransactionSql } from '../../runtime/db.ts'
import type { AuthedEnv, User } from '../../runtime/endpoint.ts'
import { badRequest, conflict, notFound } from '../../runtime/errors.ts'
import type { ReceivedFile } from '../../runtime/files/receive.ts'
import type { FileStore, Folder } from '../../runtime/files/store.ts'
import { diffFields, recordAudit } from '../audit/record.ts'
import { departmentScope } from '../scope.ts'
import { storeUpload } from '../uploads.ts'
import { lockInstrument } from './record.ts'
import type { FileCategory } from '../shared/file-categories.ts'

/** The file-store folder of an instrument's files. */
export const equipmentFolder = (equipmentId: number): Folder => ['equipment', String(equipmentId)]

export interface EquipmentFile {
  id: number
  equipment_id: number
  category: FileCategory
  original_name: string
  size: number
  sha256: string
  mime: string
  /** shown on the instrument's card («На карточке»); the API and the column call it pinned */
  pinned: boolean
  position: number
  uploaded_at: Date
  uploaded_by: number | null
  uploaded_by_name: string | null
}

type Db = Sql | TransactionSql

/** The files of one instrument in user order (one query). Callers check access first. */
export async function listEquipmentFiles(sql: Db, equipmentId: number): Promise<EquipmentFile[]> {
  return sql<EquipmentFile[]>`
    select f.id, f.equipment_id, f.category, f.original_name, f.size, f.sha256, f.mime,
           f.pinned, f.position, f.uploaded_at, f.uploaded_by,
           coalesce(nullif(u.full_name, ''), u.username) as uploaded_by_name
    from equipment_file f
    left join users u on u.id = f.uploaded_by
    where f.equipment_id = ${equipmentId}
    order by f.position, f.id`
}

/** 404 unless the instrument (active or archived) exists in the user's scope. */
export async function assertEquipmentVisible(sql: Db, user: User, equipmentId: number) {
  const [row] = await sql<{ archived: boolean }[]>`
    select e.archived_at is not null as archived
    from equipment e
    join responsibility r on r.equipment_id = e.id
    where e.id = ${equipmentId}
      and ${departmentScope(sql as Sql, user, 'r')}`
  if (!row) throw notFound('Оборудование не найдено')
  return row
}

/** One file with its storage name, 404 outside the user's department. */
export async function findFile(sql: Db, user: User, fileId: number) {
  const [row] = await sql<(EquipmentFile & { storage_name: string })[]>`
    select f.id, f.equipment_id, f.category, f.original_name, f.storage_name, f.size, f.sha256,
           f.mime, f.pinned, f.position, f.uploaded_at, f.uploaded_by
    from equipment_file f
    join responsibility r on r.equipment_id = f.equipment_id
    where f.id = ${fileId}
      and ${departmentScope(sql as Sql, user, 'r')}`
  if (!row) throw notFound('Файл не найден')
  return row
}

/**
 * Removes an instrument's stored files from disk. Call after the transaction that deleted the
 * instrument's rows has committed (the rows go by `on delete cascade`); a failure here leaves
 * only unreferenced bytes, never a row pointing at nothing.
 */
export async function removeEquipmentFiles(files: FileStore, equipmentId: number): Promise<void> {
  await files.removeFolder(equipmentFolder(equipmentId))
}

// ── writes: each locks the instrument first (an archived instrument's files are read-only) ──

type Writer = Pick<AuthedEnv, 'sql' | 'user' | 'ip'>

const ARCHIVED_FILES = 'Оборудование в архиве: файлы можно менять после восстановления'

/** Locks an instrument for a change to its files: 404 when missing, 409 when archived. */
async function lockForFiles(tx: TransactionSql, equipmentId: number) {
  const row = await lockInstrument(tx, equipmentId)
  if (!row) throw notFound('Оборудование не найдено')
  if (row.archived) throw conflict(ARCHIVED_FILES)
}

/** 404 outside the user's scope, 409 when archived: checked before the bytes are received. */
export async function assertFilesWritable(sql: Db, user: User, equipmentId: number) {
  const { archived } = await assertEquipmentVisible(sql, user, equipmentId)
  if (archived) throw conflict(ARCHIVED_FILES)
}

/** Stores a received file as the instrument's last file (audited) → the row. */
export async function addEquipmentFile(
  env: Writer & Pick<AuthedEnv, 'user'>,
  equipmentId: number,
  category: FileCategory,
  received: ReceivedFile,
) {
  const file = await storeUpload(env.sql, received, async (tx, storageName) => {
    await lockForFiles(tx, equipmentId)
    const [row] = await tx<EquipmentFile[]>`
      insert into equipment_file
        (equipment_id, category, original_name, storage_name, size, sha256, mime, position, uploaded_by)
      values (
        ${equipmentId}, ${category}, ${received.originalName}, ${storageName}, ${received.size},
        ${received.sha256}, ${received.mime},
        (select coalesce(max(position), 0) + 1 from equipment_file where equipment_id = ${equipmentId}),
        ${env.user.id}
      )
      returning id, equipment_id, category, original_name, size, sha256, mime, pinned,
                position, uploaded_at, uploaded_by`
    await recordAudit(tx, env, {
      action: 'file_upload',
      entity: 'equipment_file',
      entityId: row.id,
      changes: {
        equipment_id: equipmentId,
        original_name: row.original_name,
        category,
        size: row.size,
        sha256: row.sha256,
      },
    })
    return row
  })
  return { ...file, uploaded_by_name: env.user.full_name || env.user.username }
}

/** A new order of every file of the instrument (audited) → the files in that order. */
export async function reorderEquipmentFiles(env: Writer, equipmentId: number, fileIds: number[]) {
  await env.sql.begin(async (tx) => {
    await lockForFiles(tx, equipmentId)
    const current = await tx<{ id: number }[]>`
      select id from equipment_file where equipment_id = ${equipmentId} order by position, id`
    const before = current.map((r) => r.id)
    const known = new Set(before)
    if (before.length !== fileIds.length || fileIds.some((id) => !known.has(id))) {
      const message = 'Порядок должен перечислять все файлы этого оборудования, каждый один раз'
      throw badRequest(message, { fields: [{ field: 'file_ids', message }], file_ids: before })
    }
    await tx`
      update equipment_file f
      set position = o.ord
      from unnest(${tx.array(fileIds)}::bigint[]) with ordinality as o(id, ord)
      where f.id = o.id
        and f.equipment_id = ${equipmentId}`
    await recordAudit(tx, env, {
      action: 'file_reorder',
      entity: 'equipment',
      entityId: equipmentId,
      changes: diffFields({ file_order: before }, { file_order: fileIds }),
    })
  })
  return listEquipmentFiles(env.sql, equipmentId)
}

/** Shown on the card (the API's `pinned`) and the category of one file (audited). */
export function updateEquipmentFile(
  env: Writer,
  fileId: number,
  patch: { shownOnCard?: boolean; category?: FileCategory },
) {
  return env.sql.begin(async (tx) => {
    const before = await findFile(tx, env.user, fileId)
    await lockForFiles(tx, before.equipment_id)
    const [after] = await tx<EquipmentFile[]>`
      update equipment_file
      set pinned = coalesce(${patch.shownOnCard ?? null}::boolean, pinned),
          category = coalesce(${patch.category ?? null}::text, category)
      where id = ${fileId}
      returning id, equipment_id, category, original_name, size, sha256, mime, pinned,
                position, uploaded_at, uploaded_by`
    const changes = diffFields({ ...before }, { ...after }, ['pinned', 'category'])
    if (Object.keys(changes).length > 0) {
      await recordAudit(tx, env, {
        action: 'file_update',
        entity: 'equipment_file',
        entityId: fileId,
        changes,
      })
    }
    return after
  })
}

/** Deletes one file: the row (audited), then, once committed, the bytes on disk. */
export async function deleteEquipmentFile(env: Writer & Pick<AuthedEnv, 'files'>, fileId: number) {
  const removed = await env.sql.begin(async (tx) => {
    const file = await findFile(tx, env.user, fileId)
    await lockForFiles(tx, file.equipment_id)
    await tx`delete from equipment_file where id = ${fileId}`
    await recordAudit(tx, env, {
      action: 'file_delete',
      entity: 'equipment_file',
      entityId: fileId,
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
}
