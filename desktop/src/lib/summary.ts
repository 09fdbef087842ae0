// The header's metrics: counts from GET /api/stats/summary, scoped by the server.
import { STATUS_COLORS, type Status } from '@shared/labels.ts'
import type { Summary } from '@shared/views.ts'
import type { Api } from './api.ts'
import { statsApi } from './api/stats.ts'

export type { Summary }

export interface Metric {
  key: string
  label: string
  status: string | null
  color: string
  value: (s: Summary) => number
}

const byStatus = (status: string) => (s: Summary) => s.by_status?.[status] ?? 0

/** the header's words per status, in its order; typed by the shared table, so a status added
 *  there and not here fails the type check */
const METRIC_LABELS: Record<Status, string> = {
  status_fit: 'Годных',
  status_expiring: 'Истекает',
  status_expired: 'Просроченных',
  status_verification: 'На верификации',
  status_storage: 'На консервации',
  status_repair: 'В ремонте',
}

export const METRICS: Metric[] = [
  { key: 'total', label: 'Всего', status: null, color: '#1f2d3d', value: (s) => s.total },
  ...(Object.keys(METRIC_LABELS) as Status[]).map((status) => ({
    key: status.replace(/^status_/, ''),
    label: METRIC_LABELS[status],
    status,
    color: STATUS_COLORS[status],
    value: byStatus(status),
  })),
]

/** the quick tags under the search, per status of the shared table (in their order) */
const QUICK_LABELS: Record<Status, string> = {
  status_expired: 'Просроченные',
  status_expiring: 'Истекают',
  status_fit: 'Годные',
  status_verification: 'На верификации',
  status_storage: 'На консервации',
  status_repair: 'В ремонте',
}

export const QUICK_TAGS: { status: string; label: string }[] = (
  Object.keys(QUICK_LABELS) as Status[]
).map((status) => ({ status, label: QUICK_LABELS[status] }))

/** The header's counts: one request; every failure reaches the caller (Shell tells them apart). */
export const loadSummary = (api: Api): Promise<Summary> => statsApi(api).summary()
