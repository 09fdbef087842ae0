// Typed calls of /api/equipment: the register's pages, one record, create, edit, delete, the
// verification cycles, the Excel export and import (response types from domain/shared/views.ts).
import type {
  EquipmentItem,
  EquipmentRecord,
  EquipmentSaved,
  ImportReport,
  Page,
} from '@shared/views.ts'
import { queryString, type Api, type Query } from '../api.ts'

export const equipmentApi = (api: Api) => ({
  list: (q: Query, signal?: AbortSignal) =>
    api.get<Page<EquipmentItem>>('/api/equipment', q, signal),
  record: (id: number) => api.get<EquipmentRecord>(`/api/equipment/${id}`),
  create: (body: Record<string, unknown>) => api.post<EquipmentSaved>('/api/equipment', body),
  patch: (id: number, body: Record<string, unknown>) =>
    api.patch<EquipmentSaved>(`/api/equipment/${id}`, body),
  remove: (id: number) => api.del(`/api/equipment/${id}`),
  addCycle: (id: number, body: Record<string, unknown>) =>
    api.post<EquipmentSaved>(`/api/equipment/${id}/verifications`, body),
  undoLastCycle: (id: number, version: number) =>
    api.del(`/api/equipment/${id}/verifications/last`, { version }),
  exportFile: (q: Query) => api.file('GET', `/api/equipment/export.xlsx${queryString(q)}`),
  import: async (file: Blob, q: Query) =>
    (
      await api.raw('POST', `/api/equipment/import${queryString(q)}`, {
        body: file,
        headers: {
          'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        },
      })
    ).json() as Promise<ImportReport>,
})
