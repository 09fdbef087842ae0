// Typed calls of /api/upload and /api/pinned: an instrument's files and the branch's documents.
import type { StoredFileRow } from '@shared/views.ts'
import type { Api } from '../api.ts'

export const filesApi = (api: Api) => ({
  ofEquipment: (equipmentId: number) =>
    api.get<{ items: StoredFileRow[] }>(`/api/upload/equipment/${equipmentId}`),
  upload: (equipmentId: number, form: FormData, onProgress: (fraction: number) => void) =>
    api.upload<StoredFileRow>(`/api/upload/equipment/${equipmentId}`, form, onProgress),
  /** on the card or not, its category */
  patch: (id: number, body: { pinned?: boolean; category?: string }) =>
    api.patch<StoredFileRow>(`/api/upload/${id}`, body),
  reorder: (equipmentId: number, fileIds: number[]) =>
    api.put(`/api/upload/equipment/${equipmentId}/order`, { file_ids: fileIds }),
  /** the file itself (to open), or as a download under its own name */
  content: (id: number, download = false) =>
    api.file('GET', `/api/upload/${id}${download ? '?download=1' : ''}`),
  remove: (id: number) => api.del(`/api/upload/${id}`),
  pinned: () => api.get<{ items: StoredFileRow[] }>('/api/pinned'),
  uploadPinned: (form: FormData, onProgress: (fraction: number) => void) =>
    api.upload<StoredFileRow>('/api/pinned', form, onProgress),
  pinnedContent: (id: number, download = false) =>
    api.file('GET', `/api/pinned/${id}${download ? '?download=1' : ''}`),
  removePinned: (id: number) => api.del(`/api/pinned/${id}`),
})
