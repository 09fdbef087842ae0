// Typed calls of /api/stats (response types from domain/shared/views.ts).
import type { Analytics, DepartmentStats, Summary } from '@shared/views.ts'
import type { Api, Query } from '../api.ts'

export const statsApi = (api: Api) => ({
  summary: () => api.get<Summary>('/api/stats/summary'),
  department: (q: Query) => api.get<DepartmentStats>('/api/stats/department', q),
  analytics: (q: Query) => api.get<Analytics>('/api/stats/analytics', q),
})
