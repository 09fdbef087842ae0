// Typed calls of /api/users (response types from domain/shared/views.ts).
import type { UserRow } from '@shared/views.ts'
import type { Api } from '../api.ts'

export const usersApi = (api: Api) => ({
  list: () => api.get<{ items: UserRow[] }>('/api/users'),
  create: (body: Record<string, unknown>) => api.post<UserRow>('/api/users', body),
  update: (id: number, body: Record<string, unknown>) =>
    api.patch<UserRow>(`/api/users/${id}`, body),
})
