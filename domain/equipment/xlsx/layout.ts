// The register's workbook layout, shared by the export and the import: the columns in order with
// their Russian headers, kinds (how a cell is written and read back), widths and label tables;
// computed columns are exported and ignored on the way back.
import { today } from '../../../runtime/clock.ts'
import {
  EQUIPMENT_TYPES,
  formatDate,
  STATES,
  STATUSES,
  VERIFICATION_RESULTS,
  VERIFICATION_TYPES,
} from '../../shared/labels.ts'

export type Kind =
  'id' | 'text' | 'int' | 'number' | 'money' | 'date' | 'plan' | 'department' | 'enum'

export interface Column {
  key: string
  header: string
  kind: Kind
  width: number
  labels?: Record<string, string>
  /** computed by the database: exported, ignored by the import */
  computed?: boolean
  /** other headers the import accepts for this column (Deltica 1.x export's) */
  aliases?: string[]
}

const col = (
  key: string,
  header: string,
  kind: Kind,
  width = 16,
  extra: Partial<Column> = {},
): Column => ({ key, header, kind, width, ...extra })

/** The workbook's columns, in order. The import finds columns by these headers (or keys). */
export const LAYOUT: Column[] = [
  col('id', 'ID', 'id', 8),
  col('equipment_name', 'Наименование', 'text', 32),
  col('equipment_model', 'Модель / тип', 'text', 20, { aliases: ['Модель/Тип'] }),
  col('equipment_type', 'Тип оборудования', 'enum', 10, { labels: EQUIPMENT_TYPES }),
  col('equipment_specs', 'Метрологические характеристики', 'text', 18),
  col('factory_number', 'Заводской №', 'text', 16, { aliases: ['Заводской номер'] }),
  col('inventory_number', 'Инвентарный №', 'text', 16, { aliases: ['Инвентарный номер'] }),
  col('equipment_year', 'Год выпуска', 'int', 10),
  col('verification_type', 'Тип верификации', 'enum', 14, { labels: VERIFICATION_TYPES }),
  col('registry_number', '№ в Госреестре', 'text', 16, { aliases: ['Номер в реестре'] }),
  col('verification_interval', 'Межповерочный интервал, мес.', 'int', 12, {
    aliases: ['Межповерочный интервал'],
  }),
  col('verification_date', 'Дата последней верификации', 'date', 14, {
    aliases: ['Дата верификации'],
  }),
  col('verification_due', 'Действует до', 'date', 14, {
    computed: true,
    aliases: ['Дата окончания'],
  }),
  col('verification_plan', 'План', 'plan', 16, { aliases: ['Плановая дата'] }),
  col('verification_state', 'Состояние', 'enum', 16, { labels: STATES }),
  col('status', 'Статус', 'enum', 16, { labels: STATUSES, computed: true }),
  col('verification_result', 'Результат', 'enum', 12, { labels: VERIFICATION_RESULTS }),
  col('certificate_number', '№ свидетельства', 'text'),
  col('verification_cost', 'Стоимость верификации', 'money', 14),
  col('department', 'Подразделение', 'department', 14),
  col('responsible_person', 'Ответственное лицо', 'text', 22, { aliases: ['Ответственный'] }),
  col('verifier_org', 'Организация-поверитель', 'text', 18),
  col('budget_item', 'Статья бюджета', 'text', 14),
  col('code_rate', 'Тариф', 'text', 12),
  col('cost_rate', 'Стоимость по тарифу без НДС', 'money', 14, {
    aliases: ['Стоимость по тарифу'],
  }),
  col('quantity', 'Кол-во', 'int', 8, { aliases: ['Количество'] }),
  col('coefficient', 'Доп. коэффициент', 'number', 10, { aliases: ['Коэффициент'] }),
  col('total_cost', 'Итоговая стоимость', 'money', 14, { computed: true }),
  col('legacy_total_cost', 'Итоговая стоимость в Deltica 1.x', 'money', 14, { computed: true }),
  col('invoice_number', 'Номер счёта', 'text', 14, { aliases: ['Номер счета'] }),
  col('paid_amount', 'Факт оплаты', 'money', 14),
  col('payment_date', 'Дата оплаты', 'date', 14),
]

export const NUM_FMT: Partial<Record<Kind, string>> = {
  date: 'dd.mm.yyyy',
  money: '#,##0.00',
  int: '0',
  id: '0',
}

/** The export's file name: «Реестр_оборудования_<today in the branch's zone>.xlsx». */
export function exportFileName(timeZone: string, now = new Date()): string {
  return `Реестр_оборудования_${formatDate(today(timeZone, now))}.xlsx`
}
