// The header's metrics: counts from GET /api/stats/summary, scoped by the server.
import { STATUS_COLORS } from '@shared/labels.ts'
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

/** The header's counts: one request; every failure reaches the caller (Shell tells them apart). */
export const loadSummary = (api: Api): Promise<Summary> => statsApi(api).summary()
