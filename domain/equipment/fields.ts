// The equipment record's fields on the server: the sections' writable columns, finance hiding and
// the list item's columns — all read from the one field table (domain/shared/fields.ts) — and the
// zod schemas of a write with Russian field messages. Shared by the register API and the import.
import { z } from 'zod'
import { processTimeZone, today } from '../../runtime/clock.ts'
import type { User } from '../../runtime/endpoint.ts'
import {
  EQUIPMENT_TYPES,
  STATES,
  VERIFICATION_RESULTS,
  VERIFICATION_TYPES,
} from '../shared/labels.ts'
import { DateString, Version } from '../schemas.ts'
import {
  FIELDS,
  labelOf,
  type EditableKey,
  type FieldKey,
  type Section,
  type SectionKey,
} from '../shared/fields.ts'

const editableIn = <S extends Section>(section: S) =>
  FIELDS.filter((f) => f.section === section && f.editable).map((f) => f.key) as SectionKey<S>[]

export const EQUIPMENT_FIELDS = editableIn('equipment')
export const VERIFICATION_FIELDS = editableIn('verification')
export const RESPONSIBILITY_FIELDS = editableIn('responsibility')
export const FINANCE_FIELDS = editableIn('finance')

/** Every field a client may write, in column order. */
export const WRITABLE_FIELDS = FIELDS.filter((f) => f.editable).map((f) => f.key) as EditableKey[]
export type WritableField = EditableKey

/** Hidden from laborants: the finance section, its totals and the cost of a verification. */
export const FINANCE_ONLY: ReadonlySet<string> = new Set(
  FIELDS.filter((f) => f.financeOnly).map((f) => f.key),
)

/** The flat item of the list, in column order (the view equipment_full has every one). */
export const ITEM_COLUMNS = ['id', 'version', ...FIELDS.map((f) => f.key)] as [
  'id' | 'version' | FieldKey,
  ...('id' | 'version' | FieldKey)[],
]
export type ItemColumn = (typeof ITEM_COLUMNS)[number]

/** The columns this user may see. */
export function columnsFor(user: Pick<User, 'role'>): ItemColumn[] {
  return ITEM_COLUMNS.filter((c) => user.role === 'admin' || !FINANCE_ONLY.has(c))
}

const codes = <T extends Record<string, string>>(labels: T) =>
  Object.keys(labels) as [keyof T & string, ...(keyof T & string)[]]

const required = (max = 300) =>
  z
    .string({ message: 'Обязательное поле' })
    .trim()
    .min(1, 'Обязательное поле')
    .max(max, `Не длиннее ${max} символов`)

const optionalText = (max = 300) =>
  z
    .string({ message: 'Ожидается текст' })
    .trim()
    .max(max, `Не длиннее ${max} символов`)
    .nullable()
    .optional()
    .transform((v) => (v === '' ? null : v))

const money = (label = 'Сумма') =>
  z
    .number({ message: `${label}: ожидается число` })
    .min(0, `${label} не может быть отрицательной`)
    .max(1e12, `${label} слишком велика`)
    .transform((v) => Math.round(v * 100) / 100)

const Year = z
  .number({ message: 'Год: ожидается число' })
  .int('Год: целое число')
  .min(1900, 'Год выпуска не раньше 1900')
  .refine(
    (y) => y <= Number(today(processTimeZone()).slice(0, 4)),
    'Год выпуска не позже текущего года',
  )

/** A plan month: 'YYYY-MM' or any date of the month → the first day of that month. */
export const PlanMonth = z
  .string({ message: 'Месяц в формате ГГГГ-ММ' })
  .regex(/^\d{4}-(0[1-9]|1[0-2])(-\d{2})?$/, 'Месяц в формате ГГГГ-ММ')
  .transform((s) => `${s.slice(0, 7)}-01`)

const enumOf = <T extends Record<string, string>>(labels: T, what: string) =>
  z.enum(codes(labels), {
    message: `${what}: допустимые значения ${Object.keys(labels).join(', ')}`,
  })

/** Each writable field's schema; defaults applied by the create path only. */
const FIELD_SCHEMAS = {
  equipment_name: required(500),
  equipment_model: required(500),
  equipment_type: enumOf(EQUIPMENT_TYPES, labelOf('equipment_type')),
  equipment_specs: optionalText(500),
  factory_number: required(200),
  inventory_number: required(200),
  equipment_year: Year.nullable().optional(),
  verification_type: enumOf(VERIFICATION_TYPES, labelOf('verification_type')),
  registry_number: optionalText(200),
  verification_interval: z
    .number({ message: 'Интервал: ожидается целое число месяцев' })
    .int('Интервал: целое число месяцев')
    .min(1, 'Интервал должен быть больше 0')
    .max(1200, 'Интервал не больше 1200 месяцев'),
  verification_date: DateString,
  verification_plan: PlanMonth.nullable().optional(),
  verification_state: enumOf(STATES, labelOf('verification_state')),
  verification_result: enumOf(VERIFICATION_RESULTS, labelOf('verification_result'))
    .nullable()
    .optional(),
  certificate_number: optionalText(200),
  verification_cost: money('Стоимость').nullable().optional(),
  department: z
    .string({ message: 'Обязательное поле' })
    .trim()
    .min(1, 'Обязательное поле')
    .max(40, 'Неизвестное подразделение'),
  responsible_person: optionalText(300),
  verifier_org: optionalText(300),
  budget_item: required(100),
  code_rate: optionalText(100),
  cost_rate: money('Стоимость по тарифу').nullable().optional(),
  quantity: z
    .number({ message: 'Количество: ожидается целое число' })
    .int('Количество: целое число')
    .min(1, 'Количество не меньше 1')
    .max(1_000_000, 'Количество слишком велико'),
  coefficient: z
    .number({ message: 'Коэффициент: ожидается число' })
    .positive('Коэффициент больше 0')
    .max(1000, 'Коэффициент не больше 1000'),
  invoice_number: optionalText(100),
  paid_amount: money('Оплата').nullable().optional(),
  payment_date: DateString.nullable().optional(),
} satisfies Record<WritableField, z.ZodType>

/** POST: all sections at once. */
export const EquipmentCreate = z
  .object({
    ...FIELD_SCHEMAS,
    quantity: FIELD_SCHEMAS.quantity.default(1),
    coefficient: FIELD_SCHEMAS.coefficient.default(1),
  })
  .strict()
export type EquipmentInput = z.output<typeof EquipmentCreate>

const optionalFields = Object.fromEntries(
  WRITABLE_FIELDS.map((f) => [f, (FIELD_SCHEMAS[f] as z.ZodType).optional()]),
) as { [K in WritableField]: z.ZodOptional<(typeof FIELD_SCHEMAS)[K]> }

/** PATCH: any subset of the fields plus the version the client last saw. */
export const EquipmentPatch = z
  .object({
    ...optionalFields,
    version: Version,
  })
  .strict()
export type EquipmentPatchInput = z.output<typeof EquipmentPatch>

/** POST /:id/verifications: a new cycle. */
export const VerificationCycle = z
  .object({
    verification_date: DateString,
    verification_result: FIELD_SCHEMAS.verification_result,
    certificate_number: FIELD_SCHEMAS.certificate_number,
    registry_number: FIELD_SCHEMAS.registry_number,
    verifier_org: FIELD_SCHEMAS.verifier_org,
    verification_cost: FIELD_SCHEMAS.verification_cost,
    verification_type: FIELD_SCHEMAS.verification_type.optional(),
    verification_interval: FIELD_SCHEMAS.verification_interval.optional(),
    verification_plan: FIELD_SCHEMAS.verification_plan,
    verification_state: FIELD_SCHEMAS.verification_state.optional(),
    version: Version,
  })
  .strict()
export type VerificationCycleInput = z.output<typeof VerificationCycle>

/** Hides what a laborant may not see. */
export function visibleRecord<T extends Record<string, unknown>>(row: T, user: Pick<User, 'role'>) {
  if (user.role === 'admin') return row
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(row)) if (!FINANCE_ONLY.has(k)) out[k] = v
  return out as T
}
