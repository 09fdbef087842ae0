// Typed calls of /api/contracts (response types from domain/shared/views.ts).
import type { ContractRow, Page } from '@shared/views.ts'
import type { Api, Query } from '../api.ts'

export type ContractPage = Page<ContractRow> & { totals?: Record<string, number> }

export const contractsApi = (api: Api) => ({
  list: (q: Query) => api.get<ContractPage>('/api/contracts', q),
  create: (body: Record<string, unknown>) => api.post<ContractRow>('/api/contracts', body),
  update: (id: number, body: Record<string, unknown>) =>
    api.put<ContractRow>(`/api/contracts/${id}`, body),
  remove: (id: number) => api.del(`/api/contracts/${id}`),
})
