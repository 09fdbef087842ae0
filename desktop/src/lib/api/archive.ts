// Typed calls of /api/archive: the written-off instruments, one record, restore, purge, reason.
import type { EquipmentRecord, Page } from '@shared/views.ts'
import type { Api, Query } from '../api.ts'

/** a written-off instrument as the archive lists it */
export interface ArchiveRow {
  id: number
  version: number
  equipment_name: string
  equipment_model: string
  factory_number: string
  inventory_number: string
  department: string
  department_label?: string
  archived_at: string
  archive_reason: string
  [column: string]: unknown
}

/** an archived instrument's full record: the register's, plus when and why it was written off */
export type ArchivedRecord = EquipmentRecord & {
  archived_at: string
  archive_reason: string | null
}

export const archiveApi = (api: Api) => ({
  list: (q: Query) => api.get<Page<ArchiveRow>>('/api/archive', q),
  /** write an instrument off, with the reason */
  writeOff: (equipmentId: number, reason: string) =>
    api.post<EquipmentRecord>('/api/archive', { equipment_id: equipmentId, reason }),
  record: (id: number) => api.get<ArchivedRecord>(`/api/archive/${id}`),
  saveReason: (id: number, reason: string, version: number) =>
    api.patch<EquipmentRecord>(`/api/archive/${id}`, { reason, version }),
  restore: (id: number) => api.post<EquipmentRecord>(`/api/archive/${id}/restore`),
  purge: (id: number) => api.del(`/api/archive/${id}`),
})
