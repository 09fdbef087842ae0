// The register's fields (docs/domain.md) in one table, read by the server (the list query's
// columns, finance hiding, the XLSX import/export, the e-mail digest, documents, the audit log's
// labels) and by the client through `@shared` (the grid, the form, the column chooser). Each field:
// its Russian label, section, kind (how a value is shown, parsed and written to a sheet), whether
// it is finance-only (admins), computed (read-only, by the database), required on create, its grid
// width and default visibility, and its workbook width and the other headers the import accepts.
import {
  EQUIPMENT_TYPES,
  formatDate,
  formatMoney,
  formatPlan,
  STATES,
  STATUSES,
  VERIFICATION_RESULTS,
  VERIFICATION_TYPES,
} from './labels.ts'

export type Section = 'equipment' | 'verification' | 'responsibility' | 'finance'

export const SECTIONS: Record<Section, string> = {
  equipment: 'Оборудование',
  verification: 'Верификация',
  responsibility: 'Ответственность',
  finance: 'Финансы',
}

export type Kind = 'text' | 'int' | 'decimal' | 'money' | 'date' | 'month' | 'enum' | 'department'

interface FieldSpec {
  key: string
  label: string
  section: Section
  kind: Kind
  options?: Record<string, string>
  required?: boolean
  computed?: boolean
  financeOnly?: boolean
  /** grid width, px (130 when absent) */
  width?: number
  /** not shown in the grid until the user chooses it */
  hidden?: boolean
  /** workbook column width, characters (16 when absent) */
  sheetWidth?: number
  /** other headers the import accepts (Deltica 1.x export's) */
  aliases?: readonly string[]
}

/** Every field in column order (the grid's, the workbook's and the list item's). */
const FIELD_TABLE = [
  {
    key: 'equipment_name',
    label: 'Наименование',
    section: 'equipment',
    kind: 'text',
    required: true,
    width: 190,
    sheetWidth: 32,
  },
  {
    key: 'equipment_model',
    label: 'Модель / тип',
    section: 'equipment',
    kind: 'text',
    required: true,
    width: 120,
    sheetWidth: 20,
    aliases: ['Модель/Тип'],
  },
  {
    key: 'equipment_type',
    label: 'Тип оборудования',
    section: 'equipment',
    kind: 'enum',
    options: EQUIPMENT_TYPES,
    required: true,
    width: 96,
    sheetWidth: 10,
  },
  {
    key: 'equipment_specs',
    label: 'Метрологические характеристики',
    section: 'equipment',
    kind: 'text',
    hidden: true,
    sheetWidth: 18,
  },
  {
    key: 'factory_number',
    label: 'Заводской №',
    section: 'equipment',
    kind: 'text',
    required: true,
    width: 112,
    aliases: ['Заводской номер'],
  },
  {
    key: 'inventory_number',
    label: 'Инвентарный №',
    section: 'equipment',
    kind: 'text',
    required: true,
    width: 112,
    aliases: ['Инвентарный номер'],
  },
  {
    key: 'equipment_year',
    label: 'Год выпуска',
    section: 'equipment',
    kind: 'int',
    width: 90,
    hidden: true,
    sheetWidth: 10,
  },
  {
    key: 'verification_type',
    label: 'Тип верификации',
    section: 'verification',
    kind: 'enum',
    options: VERIFICATION_TYPES,
    required: true,
    width: 100,
    sheetWidth: 14,
  },
  {
    key: 'registry_number',
    label: '№ в Госреестре',
    section: 'verification',
    kind: 'text',
    hidden: true,
    aliases: ['Номер в реестре'],
  },
  {
    key: 'verification_interval',
    label: 'Межповерочный интервал, мес.',
    section: 'verification',
    kind: 'int',
    required: true,
    width: 110,
    hidden: true,
    sheetWidth: 12,
    aliases: ['Межповерочный интервал'],
  },
  {
    key: 'verification_date',
    label: 'Дата последней верификации',
    section: 'verification',
    kind: 'date',
    required: true,
    width: 140,
    sheetWidth: 14,
    aliases: ['Дата верификации'],
  },
  {
    key: 'verification_due',
    label: 'Действует до',
    section: 'verification',
    kind: 'date',
    computed: true,
    width: 96,
    sheetWidth: 14,
    aliases: ['Дата окончания'],
  },
  {
    key: 'verification_plan',
    label: 'План',
    section: 'verification',
    kind: 'month',
    width: 120,
    aliases: ['Плановая дата'],
  },
  {
    key: 'verification_state',
    label: 'Состояние',
    section: 'verification',
    kind: 'enum',
    options: STATES,
    required: true,
    width: 120,
  },
  {
    key: 'status',
    label: 'Статус',
    section: 'verification',
    kind: 'enum',
    options: STATUSES,
    computed: true,
    width: 124,
  },
  {
    key: 'verification_result',
    label: 'Результат',
    section: 'verification',
    kind: 'enum',
    options: VERIFICATION_RESULTS,
    width: 110,
    hidden: true,
    sheetWidth: 12,
  },
  {
    key: 'certificate_number',
    label: '№ свидетельства',
    section: 'verification',
    kind: 'text',
    width: 150,
    hidden: true,
  },
  {
    key: 'verification_cost',
    label: 'Стоимость верификации',
    section: 'verification',
    kind: 'money',
    financeOnly: true,
    width: 140,
    hidden: true,
    sheetWidth: 14,
  },
  {
    key: 'department',
    label: 'Подразделение',
    section: 'responsibility',
    kind: 'department',
    required: true,
    width: 112,
    sheetWidth: 14,
  },
  {
    key: 'responsible_person',
    label: 'Ответственное лицо',
    section: 'responsibility',
    kind: 'text',
    width: 150,
    sheetWidth: 22,
    aliases: ['Ответственный'],
  },
  {
    key: 'verifier_org',
    label: 'Организация-поверитель',
    section: 'responsibility',
    kind: 'text',
    width: 140,
    sheetWidth: 18,
  },
  {
    key: 'budget_item',
    label: 'Статья бюджета',
    section: 'finance',
    kind: 'text',
    financeOnly: true,
    required: true,
    hidden: true,
    sheetWidth: 14,
  },
  {
    key: 'code_rate',
    label: 'Тариф',
    section: 'finance',
    kind: 'text',
    financeOnly: true,
    hidden: true,
    sheetWidth: 12,
  },
  {
    key: 'cost_rate',
    label: 'Стоимость по тарифу без НДС',
    section: 'finance',
    kind: 'money',
    financeOnly: true,
    hidden: true,
    sheetWidth: 14,
    aliases: ['Стоимость по тарифу'],
  },
  {
    key: 'quantity',
    label: 'Кол-во',
    section: 'finance',
    kind: 'int',
    financeOnly: true,
    width: 80,
    hidden: true,
    sheetWidth: 8,
    aliases: ['Количество'],
  },
  {
    key: 'coefficient',
    label: 'Доп. коэффициент',
    section: 'finance',
    kind: 'decimal',
    financeOnly: true,
    width: 100,
    hidden: true,
    sheetWidth: 10,
    aliases: ['Коэффициент'],
  },
  {
    key: 'total_cost',
    label: 'Итоговая стоимость',
    section: 'finance',
    kind: 'money',
    financeOnly: true,
    computed: true,
    width: 120,
    sheetWidth: 14,
  },
  {
    key: 'legacy_total_cost',
    label: 'Итоговая стоимость в Deltica 1.x',
    section: 'finance',
    kind: 'money',
    financeOnly: true,
    computed: true,
    width: 160,
    hidden: true,
    sheetWidth: 14,
  },
  {
    key: 'invoice_number',
    label: 'Номер счёта',
    section: 'finance',
    kind: 'text',
    financeOnly: true,
    hidden: true,
    sheetWidth: 14,
    aliases: ['Номер счета'],
  },
  {
    key: 'paid_amount',
    label: 'Факт оплаты',
    section: 'finance',
    kind: 'money',
    financeOnly: true,
    hidden: true,
    sheetWidth: 14,
  },
  {
    key: 'payment_date',
    label: 'Дата оплаты',
    section: 'finance',
    kind: 'date',
    financeOnly: true,
    hidden: true,
    sheetWidth: 14,
  },
] as const satisfies readonly FieldSpec[]

type Entry = (typeof FIELD_TABLE)[number]
export type FieldKey = Entry['key']
/** the fields a client writes (all but the computed ones) */
export type EditableKey = Exclude<Entry, { computed: true }>['key']
/** the editable fields of one section */
export type SectionKey<S extends Section> = Extract<
  Exclude<Entry, { computed: true }>,
  { section: S }
>['key']

type ValueOf<K extends Kind> = K extends 'int' | 'decimal' | 'money' ? number : string
/** The field table's columns of a list row, each typed by its kind (null when empty). */
export type FieldValues = { [E in Entry as E['key']]?: ValueOf<E['kind']> | null }

/** A field as its readers use it: every flag spelled out. */
export interface Field {
  key: FieldKey
  label: string
  section: Section
  kind: Kind
  options?: Record<string, string>
  required: boolean
  computed: boolean
  editable: boolean
  financeOnly: boolean
  width: number
  defaultVisible: boolean
  sheetWidth: number
  aliases: readonly string[]
}

export const FIELDS: readonly Field[] = FIELD_TABLE.map((x: FieldSpec) => ({
  key: x.key as FieldKey,
  label: x.label,
  section: x.section,
  kind: x.kind,
  ...(x.options ? { options: x.options } : {}),
  required: x.required ?? false,
  computed: x.computed ?? false,
  editable: !x.computed,
  financeOnly: x.financeOnly ?? false,
  width: x.width ?? 130,
  defaultVisible: !x.hidden,
  sheetWidth: x.sheetWidth ?? 16,
  aliases: x.aliases ?? [],
}))

export const FIELD_BY_KEY: ReadonlyMap<string, Field> = new Map(FIELDS.map((x) => [x.key, x]))

/** A field's Russian label (the header of a grid, sheet, digest or document column). */
export const labelOf = (key: FieldKey): string => FIELD_BY_KEY.get(key)!.label

/** The fields this role may see: laborants see no finance. */
export const fieldsFor = (role: string): Field[] =>
  FIELDS.filter((x) => role === 'admin' || !x.financeOnly)

/** A value as the grid, the form and the audit log show it (ru-RU). */
export function formatValue(
  field: Pick<Field, 'kind' | 'options'>,
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
