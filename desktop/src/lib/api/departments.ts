// Typed calls of /api/departments (response types from domain/shared/views.ts).
import type { DepartmentRow } from '@shared/views.ts'
import type { Api } from '../api.ts'

export const departmentsApi = (api: Api) => ({
  list: () => api.get<{ items: DepartmentRow[] }>('/api/departments'),
})
