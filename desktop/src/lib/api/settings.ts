// Typed calls of /api/settings (response types from domain/shared/views.ts).
import type { SettingsAnswer } from '@shared/views.ts'
import type { Api } from '../api.ts'

export const settingsApi = (api: Api) => ({
  get: () => api.get<SettingsAnswer>('/api/settings'),
  /** the changed values and the version they were read at (a stale one is a 409) */
  put: (patch: Record<string, unknown>) => api.put<SettingsAnswer>('/api/settings', patch),
})
