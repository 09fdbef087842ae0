// Typed calls of /api/audit (response types from domain/shared/views.ts).
import type { AuditEntry, Page } from '@shared/views.ts'
import { queryString, type Api, type Query } from '../api.ts'

export const auditApi = (api: Api) => ({
  list: (q: Query) => api.get<Page<AuditEntry>>('/api/audit', q),
  exportFile: (q: Query) => api.file('GET', `/api/audit/export.xlsx${queryString(q)}`),
})
