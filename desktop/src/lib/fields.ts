// The register's fields as the client shows and edits them (docs/domain.md): Russian headers, section,
// kind (how a value is formatted and parsed), which are computed (read-only) and which are
// finance (admins only). Labels come from domain/shared/labels.ts — one table for all.
import {
  EQUIPMENT_TYPES,
  formatDate,
  formatMoney,
  formatPlan,
  MONTHS,
  STATES,
  STATUSES,
  VERIFICATION_RESULTS,
  VERIFICATION_TYPES,
} from '@shared/labels.ts'

export type Section = 'equipment' | 'verification' | 'responsibility' | 'finance'

export const SECTIONS: Record<Section, string> = {
  equipment: 'Оборудование',
  verification: 'Верификация',
  responsibility: 'Ответственность',
  finance: 'Финансы',
}

export type Kind = 'text' | 'int' | 'decimal' | 'money' | 'date' | 'month' | 'enum' | 'department'

export interface Field {
  key: string
  label: string
  section: Section
  kind: Kind
  options?: Record<string, string>
  required?: boolean
  computed?: boolean
  width?: number
  /** shown in the grid when the user has not chosen columns */
  defaultVisible?: boolean
  /** a finance value outside the finance section (admins only) */
  finance?: boolean
}

const f = (
  key: string,
  label: string,
  section: Section,
  kind: Kind,
  extra: Partial<Field> = {},
): Field => ({ key, label, section, kind, defaultVisible: true, width: 130, ...extra })

export const FIELDS: Field[] = [
  f('equipment_name', 'Наименование', 'equipment', 'text', { required: true, width: 190 }),
  f('equipment_model', 'Модель / тип', 'equipment', 'text', { required: true, width: 120 }),
  f('equipment_type', 'Тип оборудования', 'equipment', 'enum', {
    options: EQUIPMENT_TYPES,
    required: true,
    width: 96,
  }),
  f('equipment_specs', 'Метрологические характеристики', 'equipment', 'text', {
    defaultVisible: false,
  }),
  f('factory_number', 'Заводской №', 'equipment', 'text', { required: true, width: 112 }),
  f('inventory_number', 'Инвентарный №', 'equipment', 'text', { required: true, width: 112 }),
  f('equipment_year', 'Год выпуска', 'equipment', 'int', { width: 90, defaultVisible: false }),
  f('verification_type', 'Тип верификации', 'verification', 'enum', {
    options: VERIFICATION_TYPES,
    required: true,
    width: 100,
  }),
  f('registry_number', '№ в Госреестре', 'verification', 'text', { defaultVisible: false }),
  f('verification_interval', 'Межповерочный интервал, мес.', 'verification', 'int', {
    required: true,
    width: 110,
    defaultVisible: false,
  }),
  f('verification_date', 'Дата последней верификации', 'verification', 'date', {
    required: true,
    width: 140,
  }),
  f('verification_due', 'Действует до', 'verification', 'date', { computed: true, width: 96 }),
  f('verification_plan', 'План', 'verification', 'month', { width: 120 }),
  f('verification_state', 'Состояние', 'verification', 'enum', {
    options: STATES,
    required: true,
    width: 120,
  }),
  f('status', 'Статус', 'verification', 'enum', { options: STATUSES, computed: true, width: 124 }),
  f('verification_result', 'Результат', 'verification', 'enum', {
    options: VERIFICATION_RESULTS,
    width: 110,
    defaultVisible: false,
  }),
  f('certificate_number', '№ свидетельства', 'verification', 'text', {
    width: 150,
    defaultVisible: false,
  }),
  f('verification_cost', 'Стоимость верификации', 'verification', 'money', {
    width: 140,
    defaultVisible: false,
    finance: true,
  }),
  f('department', 'Подразделение', 'responsibility', 'department', { required: true, width: 112 }),
  f('responsible_person', 'Ответственное лицо', 'responsibility', 'text', { width: 150 }),
  f('verifier_org', 'Организация-поверитель', 'responsibility', 'text', { width: 140 }),
  f('budget_item', 'Статья бюджета', 'finance', 'text', { required: true, defaultVisible: false }),
  f('code_rate', 'Тариф', 'finance', 'text', { defaultVisible: false }),
  f('cost_rate', 'Стоимость по тарифу без НДС', 'finance', 'money', { defaultVisible: false }),
  f('quantity', 'Кол-во', 'finance', 'int', { width: 80, defaultVisible: false }),
  f('coefficient', 'Доп. коэффициент', 'finance', 'decimal', { width: 100, defaultVisible: false }),
  f('total_cost', 'Итоговая стоимость', 'finance', 'money', { computed: true, width: 120 }),
  f('legacy_total_cost', 'Итоговая стоимость в Deltica 1.x', 'finance', 'money', {
    computed: true,
    width: 160,
    defaultVisible: false,
  }),
  f('invoice_number', 'Номер счёта', 'finance', 'text', { defaultVisible: false }),
  f('paid_amount', 'Факт оплаты', 'finance', 'money', { defaultVisible: false }),
  f('payment_date', 'Дата оплаты', 'finance', 'date', { defaultVisible: false }),
]

export const FIELD_BY_KEY = new Map(FIELDS.map((x) => [x.key, x]))

export const fieldsFor = (role: 'admin' | 'laborant' | string) =>
  FIELDS.filter((x) => role === 'admin' || (x.section !== 'finance' && !x.finance))

/** A value as the grid and the form show it. */
export function formatValue(
  field: Field,
  value: unknown,
  departments: Record<string, string> = {},
): string {
  if (value === null || value === undefined || value === '') return ''
  switch (field.kind) {
    case 'date':
      return formatDate(String(value))
    case 'month':
      return formatPlan(String(value))
    case 'money':
      return formatMoney(Number(value))
    case 'decimal':
      return String(value).replace('.', ',')
    case 'enum':
      return field.options?.[String(value)] ?? String(value)
    case 'department':
      return departments[String(value)] ?? String(value)
    default:
      return String(value)
  }
}

export class ParseError extends Error {}

const pad = (n: number) => String(n).padStart(2, '0')

function validDate(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d))
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
    return null
  return `${y}-${pad(m)}-${pad(d)}`
}

/** 'dd.mm.yyyy' (Excel, people) or 'yyyy-mm-dd' → 'yyyy-mm-dd'; 31.02.2026 is no day at all */
export function parseDate(text: string): string {
  const t = text.trim()
  let m = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(t)
  let parts: [number, number, number] | null = null
  if (m) parts = [+m[3], +m[2], +m[1]]
  else if ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t))) parts = [+m[1], +m[2], +m[3]]
  if (!parts) throw new ParseError('Дата в формате дд.мм.гггг')
  const iso = validDate(...parts)
  if (!iso) throw new ParseError('Такой даты нет')
  return iso
}

/** 'Октябрь 2026', '10.2026', '2026-10', '01.10.2026' → '2026-10-01' */
export function parseMonth(text: string): string {
  const t = text.trim().toLowerCase()
  let m = /^([а-яё]+)\s+(\d{4})$/.exec(t)
  if (m) {
    const i = MONTHS.findIndex((name) => name.toLowerCase() === m![1])
    if (i >= 0) return `${m[2]}-${pad(i + 1)}-01`
  }
  if ((m = /^(\d{1,2})[./](\d{4})$/.exec(t)) && +m[1] >= 1 && +m[1] <= 12)
    return `${m[2]}-${pad(+m[1])}-01`
  if ((m = /^(\d{4})-(\d{2})(?:-\d{2})?$/.exec(t)) && +m[2] >= 1 && +m[2] <= 12)
    return `${m[1]}-${m[2]}-01`
  if ((m = /^\d{1,2}\.(\d{1,2})\.(\d{4})$/.exec(t)) && +m[1] >= 1 && +m[1] <= 12)
    return `${m[2]}-${pad(+m[1])}-01`
  throw new ParseError('Месяц в формате «Октябрь 2026» или мм.гггг')
}

function parseNumber(text: string): number {
  const t = text.replace(/[\s\u00a0₽]/g, '').replace(',', '.')
  if (!/^-?\d+(\.\d+)?$/.test(t)) throw new ParseError('Введите число')
  return Number(t)
}

function parseOption(options: Record<string, string>, text: string): string {
  const t = text.trim().toLowerCase()
  for (const [code, label] of Object.entries(options)) {
    if (code.toLowerCase() === t || label.toLowerCase() === t) return code
  }
  throw new ParseError(`Допустимо: ${Object.values(options).join(', ')}`)
}

/**
 * Text typed or pasted into a cell → the API value (null clears an optional field).
 * Throws ParseError with a Russian message.
 */
export function parseValue(
  field: Field,
  input: unknown,
  departments: Record<string, string> = {},
): string | number | null {
  if (field.computed) throw new ParseError('Поле вычисляется автоматически')
  const text = input === null || input === undefined ? '' : String(input).trim()
  if (text === '') {
    if (field.required) throw new ParseError('Обязательное поле')
    return null
  }
  switch (field.kind) {
    case 'text':
      return text
    case 'int': {
      const n = parseNumber(text)
      if (!Number.isInteger(n)) throw new ParseError('Введите целое число')
      return n
    }
    case 'decimal':
    case 'money':
      return parseNumber(text)
    case 'date':
      return parseDate(text)
    case 'month':
      return parseMonth(text)
    case 'enum':
      return parseOption(field.options ?? {}, text)
    case 'department':
      return parseOption(departments, text)
  }
}
