// Reading cells back: the text of any cell value (rich text, formulas, errors), dates
// (dd.mm.yyyy, ISO or a date cell), plan months («Октябрь 2026», 10.2026, a date) and numbers
// («1 234,50»), each undefined when the cell does not hold one.
import ExcelJS from 'exceljs'
import { MONTHS } from '../../shared/labels.ts'

export const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ').replace(/ё/g, 'е')

export function cellText(value: ExcelJS.CellValue): string | null {
  if (value == null) return null
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((t) => t.text).join('')
    if ('text' in value) return String(value.text)
    if ('result' in value) return value.result == null ? null : cellText(value.result as any)
    if ('error' in value) return null
  }
  const text = String(value).trim()
  return text === '' ? null : text
}

const MONTH_INDEX = new Map(MONTHS.map((m, i) => [norm(m), i + 1]))
const pad = (n: number) => String(n).padStart(2, '0')

export function parseDate(value: ExcelJS.CellValue): string | undefined {
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  const text = cellText(value)
  if (!text) return undefined
  let m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text)
  const iso = m ? `${m[3]}-${pad(+m[2])}-${pad(+m[1])}` : text
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso)
  if (!m) return undefined
  const d = new Date(`${iso}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? iso : undefined
}

export function parsePlan(value: ExcelJS.CellValue): string | undefined {
  if (value instanceof Date) return `${value.toISOString().slice(0, 7)}-01`
  const text = cellText(value)
  if (!text) return undefined
  let m = /^(\S+)\s+(\d{4})$/.exec(text)
  if (m && MONTH_INDEX.has(norm(m[1]))) return `${m[2]}-${pad(MONTH_INDEX.get(norm(m[1]))!)}-01`
  m = /^(\d{1,2})\.(\d{4})$/.exec(text)
  if (m && +m[1] >= 1 && +m[1] <= 12) return `${m[2]}-${pad(+m[1])}-01`
  m = /^(\d{4})-(\d{2})(-\d{2})?$/.exec(text)
  if (m && +m[2] >= 1 && +m[2] <= 12) return `${m[1]}-${m[2]}-01`
  const date = parseDate(value)
  return date ? `${date.slice(0, 7)}-01` : undefined
}

export function parseNumber(value: ExcelJS.CellValue): number | undefined {
  if (typeof value === 'number') return value
  const text = cellText(value)
  if (!text) return undefined
  const n = Number(text.replace(/\s/g, '').replace(',', '.'))
  return Number.isFinite(n) ? n : undefined
}
