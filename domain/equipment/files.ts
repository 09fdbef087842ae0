// Files attached to instruments: their folder in the file store (uploads/equipment/<id>/), the row
// shape, the scoped look-ups, and the one helper that removes an instrument's files from disk once
// its rows are deleted (equipment DELETE and archive purge both call it after their transaction
// commits).
import type { Sql, TransactionSql } from '../../runtime/db.ts'
import type { User } from '../../runtime/endpoint.ts'
import { notFound } from '../../runtime/errors.ts'
import type { FileStore, Folder } from '../../runtime/files/store.ts'
import { departmentScope } from '../scope.ts'

/** The file-store folder of an instrument's files. */
export const equipmentFolder = (equipmentId: number): Folder => ['equipment', String(equipmentId)]

export const FILE_CATEGORIES = ['verification_docs', 'general_docs'] as const
type FileCategory = (typeof FILE_CATEGORIES)[number]

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
