// The register's workbook layout, shared by the export and the import: the field table's columns
// (domain/shared/fields.ts) with their kinds as a sheet writes and reads them back; computed columns
// are exported and ignored on the way back.
import { today } from '../../../runtime/clock.ts'
import { FIELDS, type Kind as FieldKind } from '../../shared/fields.ts'
import { formatDate } from '../../shared/labels.ts'

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

const SHEET_KIND: Record<FieldKind, Kind> = {
  text: 'text',
  int: 'int',
  decimal: 'number',
  money: 'money',
  date: 'date',
  month: 'plan',
  enum: 'enum',
  department: 'department',
}

/** The workbook's columns, in order: the ID, then the field table's. The import finds columns by
 *  these headers (or keys). */
export const LAYOUT: Column[] = [
  { key: 'id', header: 'ID', kind: 'id', width: 8 },
  ...FIELDS.map((f) => ({
    key: f.key,
    header: f.label,
    kind: SHEET_KIND[f.kind],
    width: f.sheetWidth,
    ...(f.options ? { labels: f.options } : {}),
    ...(f.computed ? { computed: true } : {}),
    ...(f.aliases.length ? { aliases: [...f.aliases] } : {}),
  })),
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
