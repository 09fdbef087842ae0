// Typed calls of /api/health: the link check, the system monitor and the server's log lines.
import type { Health, LogLine, SystemInfoView } from '@shared/views.ts'
import type { Api } from '../api.ts'

export const healthApi = (api: Api) => ({
  ping: () => api.get<Health>('/api/health'),
  system: () => api.get<SystemInfoView>('/api/health/system'),
  logs: (limit: number) => api.get<{ items: LogLine[] }>('/api/health/logs', { limit }),
})
