// The register's fields as the client shows and edits them: the one table lives in
// domain/shared/fields.ts (labels, sections, kinds, finance-only, computed); this module adds the
// parsing of what a person types or pastes into a cell.
import { MONTHS } from '@shared/labels.ts'
import type { Field } from '@shared/fields.ts'

export {
  FIELD_BY_KEY,
  FIELDS,
  fieldsFor,
  formatValue,
  SECTIONS,
  type Field,
  type Section,
} from '@shared/fields.ts'

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
