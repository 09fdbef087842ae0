// Russian labels of the register's codes (docs/domain.md). Department labels live in the departments
// table; these are the fixed enums. Used by search, exports, imports and documents.

export const EQUIPMENT_TYPES = { SI: 'СИ', IO: 'ИО' } as const

export const VERIFICATION_TYPES = {
  verification: 'Поверка',
  calibration: 'Калибровка',
  certification: 'Аттестация',
} as const

export const STATES = {
  state_work: 'В работе',
  state_storage: 'На консервации',
  state_verification: 'На верификации',
  state_repair: 'В ремонте',
} as const

export const STATUSES = {
  status_fit: 'Годен',
  status_expiring: 'Истекает',
  status_expired: 'Просрочен',
  status_storage: 'На консервации',
  status_verification: 'На верификации',
  status_repair: 'В ремонте',
} as const

export const STATUS_COLORS = {
  status_fit: '#52c41a',
  status_expired: '#f5222d',
  status_expiring: '#fa8c16',
  status_storage: '#1890ff',
  status_verification: '#722ed1',
  status_repair: '#d4b106',
} as const

export const VERIFICATION_RESULTS = { fit: 'Годен', unfit: 'Непригоден' } as const

export type VerificationType = keyof typeof VERIFICATION_TYPES
type State = keyof typeof STATES
export type Status = keyof typeof STATUSES

export const MONTHS = [
  'Январь',
  'Февраль',
  'Март',
  'Апрель',
  'Май',
  'Июнь',
  'Июль',
  'Август',
  'Сентябрь',
  'Октябрь',
  'Ноябрь',
  'Декабрь',
] as const

/** 'YYYY-MM-DD' → 'dd.mm.yyyy' */
export const formatDate = (iso: string | null | undefined): string =>
  iso ? `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}` : ''

/** plan month 'YYYY-MM-01' → 'Октябрь 2026' */
export const formatPlan = (iso: string | null | undefined): string =>
  iso ? `${MONTHS[Number(iso.slice(5, 7)) - 1]} ${iso.slice(0, 4)}` : ''

/** roubles, 2 decimals, ru-RU */
export const formatMoney = (value: number | null | undefined): string =>
  value == null
    ? ''
    : value.toLocaleString('ru-RU', { minimumFractionDigits: 2, maximumFractionDigits: 2 })

/** The status colours as CSS custom properties (`--status_fit: #52c41a; …`), set on the
 *  client's root at start-up so its stylesheet holds no copy of the table. */
export const statusColorVariables = (): [string, string][] =>
  Object.entries(STATUS_COLORS).map(([status, color]) => [`--${status}`, color])
