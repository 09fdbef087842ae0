// Typed calls of /api/backup (response types from domain/shared/views.ts).
import type { BackupRow, Page } from '@shared/views.ts'
import type { Api, Query } from '../api.ts'

export const backupApi = (api: Api) => ({
  list: (q: Query) =>
    api.get<Page<BackupRow> & { keep_days: number; hour: number }>('/api/backup', q),
  create: () => api.post<BackupRow & { duration_ms: number }>('/api/backup'),
  download: (id: number) => api.file('GET', `/api/backup/${id}/download`),
})
