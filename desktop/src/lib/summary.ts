// The header's metrics: counts from GET /api/stats/summary, scoped by the server.
import { STATUS_COLORS, STATUSES } from '@shared/labels.ts'
import type { Api } from './api.ts'

export interface Summary {
  total: number
  by_status: Record<string, number>
  by_state?: Record<string, number>
  due_in?: Record<string, number>
  archived?: number
}

export interface Metric {
  key: string
  label: string
  status: string | null
  color: string
  value: (s: Summary) => number
}

const byStatus = (status: string) => (s: Summary) => s.by_status?.[status] ?? 0

export const METRICS: Metric[] = [
  { key: 'total', label: 'Всего', status: null, color: '#1f2d3d', value: (s) => s.total },
  {
    key: 'fit',
    label: 'Годных',
    status: 'status_fit',
    color: STATUS_COLORS.status_fit,
    value: byStatus('status_fit'),
  },
  {
    key: 'expiring',
    label: 'Истекает',
    status: 'status_expiring',
    color: STATUS_COLORS.status_expiring,
    value: byStatus('status_expiring'),
  },
  {
    key: 'expired',
    label: 'Просроченных',
    status: 'status_expired',
    color: STATUS_COLORS.status_expired,
    value: byStatus('status_expired'),
  },
  {
    key: 'verification',
    label: 'На верификации',
    status: 'status_verification',
    color: STATUS_COLORS.status_verification,
    value: byStatus('status_verification'),
  },
  {
    key: 'storage',
    label: 'На консервации',
    status: 'status_storage',
    color: STATUS_COLORS.status_storage,
    value: byStatus('status_storage'),
  },
  {
    key: 'repair',
    label: 'В ремонте',
    status: 'status_repair',
    color: STATUS_COLORS.status_repair,
    value: byStatus('status_repair'),
  },
]

/** quick tags under the search */
export const QUICK_TAGS: { status: string; label: string }[] = [
  { status: 'status_expired', label: 'Просроченные' },
  { status: 'status_expiring', label: 'Истекают' },
  { status: 'status_fit', label: 'Годные' },
  { status: 'status_verification', label: 'На верификации' },
  { status: 'status_storage', label: 'На консервации' },
  { status: 'status_repair', label: 'В ремонте' },
]

/**
 * The summary from /api/stats/summary; when the server has no statistics endpoint (an older
 * server), the same counts from the list's totals (one small request per status).
 */
export async function loadSummary(api: Api): Promise<Summary> {
  try {
    return await api.get<Summary>('/api/stats/summary')
  } catch {
    const count = (status?: string) =>
      api.get<{ total: number }>('/api/equipment', { status, limit: 1 }).then((r) => r.total)
    const statuses = Object.keys(STATUSES)
    const [total, ...counts] = await Promise.all([count(), ...statuses.map((s) => count(s))])
    return { total, by_status: Object.fromEntries(statuses.map((s, i) => [s, counts[i]])) }
  }
}
