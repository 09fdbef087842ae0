// Typed calls of /api/upload and /api/pinned: an instrument's files and the branch's documents.
import type { StoredFileRow } from '@shared/views.ts'
import type { Api } from '../api.ts'

export const filesApi = (api: Api) => ({
  ofEquipment: (equipmentId: number) =>
    api.get<{ items: StoredFileRow[] }>(`/api/upload/equipment/${equipmentId}`),
  pinned: () => api.get<{ items: StoredFileRow[] }>('/api/pinned'),
})
