// Typed calls of /api/settings and the mail actions of the settings screen (/api/notifications).
import type { Digest, SettingsAnswer, TestEmail } from '@shared/views.ts'
import type { Api } from '../api.ts'

export const settingsApi = (api: Api) => ({
  get: () => api.get<SettingsAnswer>('/api/settings'),
  /** the changed values and the version they were read at (a stale one is a 409) */
  put: (patch: Record<string, unknown>) => api.put<SettingsAnswer>('/api/settings', patch),
  /** a test letter to this address (or the admin's own) */
  testEmail: (to?: string) =>
    api.post<TestEmail>('/api/notifications/test-email', to ? { to } : {}),
  /** the reminders, sent now */
  runDigest: () => api.post<Digest>('/api/notifications/run'),
})
