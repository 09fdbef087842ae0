// The document model shared by every kind: a flow document is a page orientation and a list of
// blocks (paragraphs, tables) that the PDF and DOCX renderers both lay out; label sheets are a list
// of label cells laid on a fixed grid. Document builders produce these and never touch a format.
import type { Settings } from '../settings/registry.ts'

/** One selected instrument as documents read it: a row of equipment_active + department label. */
export interface DocumentRow {
  id: number
  equipment_name: string
  equipment_model: string
  equipment_type: string
  equipment_specs: string | null
  factory_number: string
  inventory_number: string
  equipment_year: number | null
  verification_type: string
  registry_number: string | null
  verification_interval: number
  verification_date: string
  verification_due: string
  verification_plan: string
  verification_state: string
  /** the day the current state was set (from the audit log), if recorded */
  state_since: string | null
  status: string
  department: string
  department_label: string
  department_order: number
  responsible_person: string | null
  verifier_org: string | null
}

export interface DocumentContext {
  organization: Settings['organization']
  /** today, 'YYYY-MM-DD' (documents are dated by the server) */
  today: string
  /** the schedule's year */
  year: number
  /** the bids' «Кол-во каналов» and «Протокол» columns (setting bid_extra_columns) */
  bidExtraColumns: boolean
}

export type Align = 'left' | 'center' | 'right'

export interface Paragraph {
  type: 'paragraph'
  text: string
  size?: number
  bold?: boolean
  align?: Align
  /** points of space after the paragraph (default: a third of the size) */
  spaceAfter?: number
}

interface TableColumn {
  title: string
  /** relative width */
  width: number
  align?: Align
}

export interface Table {
  type: 'table'
  columns: TableColumn[]
  rows: string[][]
  size?: number
  /** rows that keep at least this height in points (blank forms, signature columns) */
  minRowHeight?: number
}

type Block = Paragraph | Table

export interface FlowDocument {
  title: string
  orientation: 'portrait' | 'landscape'
  blocks: Block[]
}

interface LabelLine {
  text: string
  size: number
  bold?: boolean
  /** '#rrggbb' */
  color?: string
  align?: Align
}

export interface LabelCell {
  lines: LabelLine[]
  /** text encoded in the QR code (the instrument id) */
  qr?: string
  /** '#rrggbb' of the frame inside the cut lines, if any */
  frame?: string
}

export interface LabelSheet {
  title: string
  cells: LabelCell[]
}

/**
 * Text as documents print it: tabs become spaces; other control characters, lone surrogates and
 * bidi controls (user input can carry them) are dropped, so neither format breaks on them.
 */
export const printable = (text: string): string =>
  text
    .replace(/\t/g, ' ')
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufffe\uffff]/g, '')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')

export const paragraph = (text: string, o: Omit<Paragraph, 'type' | 'text'> = {}): Paragraph => ({
  type: 'paragraph',
  text,
  ...o,
})
