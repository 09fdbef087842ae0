// The uploaded sheet → rows of raw field values: columns found by their headers (or keys), every
// cell converted by its column's kind, and every problem found on the way ({row, column,
// message}).
import { Readable } from 'node:stream'
import ExcelJS from 'exceljs'
import { badRequest, HttpError, tooLarge } from '../../../runtime/errors.ts'
import type { WritableField } from '../fields.ts'
import { cellText, norm, parseDate, parseNumber, parsePlan } from './cells.ts'
import { LAYOUT, type Column } from './layout.ts'
import { checkZip } from './zip-check.ts'

export interface RowIssue {
  row: number
  column: string
  message: string
}

const MAX_IMPORT_ROWS = 100_000

export interface ParsedRow {
  row: number
  id: number | null
  values: Partial<Record<WritableField, unknown>>
  /** the row's «Итоговая стоимость» (computed here, typed by hand in a Deltica 1.x export): not
   *  loaded, compared with the computed one so that a different sum is not lost without a word */
  fileTotal?: number
}

/** Excel's own limit for the text of one cell. */
const MAX_CELL_CHARS = 32_767

/**
 * The sheet → rows of raw field values, and the problems found while converting cells. The zip is
 * checked first (zip-check.ts); rows are then read as a stream and reading stops at the row
 * limit, so neither a decompression bomb nor a million rows are ever held in memory.
 */
export async function parseSheet(
  bytes: Buffer,
  departments: Map<string, string>,
): Promise<{ rows: ParsedRow[]; issues: RowIssue[]; columns: Column[] }> {
  // the sheets are inflated for the check anyway: counting their rows there is cheap and spares
  // streaming through a million of them to find out
  await checkZip(bytes, (name, xml) => {
    if (/^xl\/worksheets\/[^/]+\.xml$/.test(name) && countRows(xml) - 1 > MAX_IMPORT_ROWS) {
      throw tooLarge(`Не больше ${MAX_IMPORT_ROWS} строк за одну загрузку`)
    }
  })
  const codes = new Map(
    LAYOUT.filter((c) => c.labels).map((c) => [c.key, labelToCode(Object.entries(c.labels!))]),
  )
  const departmentCodes = labelToCode([...departments])
  const rows: ParsedRow[] = []
  const issues: RowIssue[] = []
  let mapped: Map<number, Column> | null = null
  let totalColumn = 0
  for await (const row of sheetRows(bytes)) {
    if (!mapped) {
      if (row.number !== 1) break
      mapped = mapColumns(row, issues)
      totalColumn = columnOf(row, 'total_cost')
      continue
    }
    const r = row.number
    if (r - 1 > MAX_IMPORT_ROWS) {
      throw tooLarge(`Не больше ${MAX_IMPORT_ROWS} строк за одну загрузку`)
    }
    if (!row.hasValues) continue
    const parsed: ParsedRow = { row: r, id: null, values: {} }
    let any = false
    for (const [colNumber, c] of mapped) {
      const raw = row.getCell(colNumber).value
      const text = cellText(raw)
      if (text == null) {
        if (c.kind !== 'id') parsed.values[c.key as WritableField] = null
        continue
      }
      any = true
      if (text.length > MAX_CELL_CHARS) {
        issues.push({
          row: r,
          column: c.header,
          message: `Значение длиннее ${MAX_CELL_CHARS.toLocaleString('ru-RU')} символов`,
        })
        continue
      }
      const lookup = c.kind === 'department' ? departmentCodes : codes.get(c.key)
      const problem = readCell(parsed, c, raw, text, lookup)
      if (problem) issues.push({ row: r, column: c.header, message: problem })
    }
    if (any) {
      const total = totalColumn ? parseNumber(row.getCell(totalColumn).value) : undefined
      if (total !== undefined) parsed.fileTotal = total
      rows.push(parsed)
    }
  }
  if (!mapped) throw badRequest('В первой строке листа не найдены заголовки столбцов реестра')
  return { rows, issues, columns: [...mapped.values()] }
}

/** How many <row> elements a sheet's XML holds (stops counting past the limit). */
function countRows(xml: Buffer): number {
  const tag = Buffer.from('<row')
  let n = 0
  for (let i = xml.indexOf(tag); i >= 0 && n <= MAX_IMPORT_ROWS + 1; i = xml.indexOf(tag, i + 4)) {
    const next = xml[i + 4]
    if (next === 0x20 || next === 0x3e || next === 0x2f) n++ // <row …>, <row>, <row/>
  }
  return n
}

/** Reads of one file before a crash of exceljs's reader is taken for a broken file. */
const READ_ATTEMPTS = 4

/**
 * The first worksheet's rows, read as a stream. exceljs 4.4's streaming reader sometimes ends its
 * pass over the zip before it has read xl/workbook.xml (stored last), and then crashes on the
 * first worksheet with a TypeError (a known exceljs defect, not fixed upstream yet: about one read in a hundred). Nothing has
 * been yielded then, so the same bytes are read again; a broken file fails every time.
 */
async function* sheetRows(bytes: Buffer): AsyncGenerator<ExcelJS.Row> {
  for (let attempt = 1; ; attempt++) {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([bytes]), {
      sharedStrings: 'cache',
      styles: 'cache',
      hyperlinks: 'ignore',
      worksheets: 'emit',
    })
    let sheets = 0
    let yielded = false
    try {
      for await (const worksheet of reader) {
        sheets++
        for await (const row of worksheet as AsyncIterable<ExcelJS.Row>) {
          yielded = true
          yield row
        }
        return
      }
    } catch (error) {
      if (error instanceof HttpError) throw error
      if (error instanceof TypeError && !yielded && attempt < READ_ATTEMPTS) continue
      throw badRequest('Не удалось прочитать файл: это не книга Excel (XLSX) или она повреждена')
    }
    if (!sheets) throw badRequest('В книге нет листов')
    return
  }
}

/** The headers the import knows: the export's own, in order (1.x aliases listed separately). */
const KNOWN_HEADERS = LAYOUT.map((c) => c.header)

/**
 * Sheet column number → the layout's column, found by header, 1.x alias or key (computed ones
 * read and skipped). A header the import does not know, or a column named twice, is a problem of
 * row 1: its data would otherwise be dropped without a word.
 */
function mapColumns(header: ExcelJS.Row, issues: RowIssue[]): Map<number, Column> {
  const byHeader = new Map<string, Column>()
  for (const c of LAYOUT) {
    for (const name of [c.header, c.key, ...(c.aliases ?? [])]) byHeader.set(norm(name), c)
  }
  const mapped = new Map<number, Column>()
  const taken = new Set<string>()
  const unknown: string[] = []
  header.eachCell((cell, colNumber) => {
    const text = cellText(cell.value)
    if (!text) return
    const c = byHeader.get(norm(text))
    if (!c) {
      unknown.push(text)
      return
    }
    if (taken.has(c.key)) {
      issues.push({ row: 1, column: text, message: `Столбец «${c.header}» встречается дважды` })
      return
    }
    taken.add(c.key)
    if (!c.computed) mapped.set(colNumber, c)
  })
  if (![...mapped.values()].some((c) => c.key !== 'id')) {
    throw badRequest('В первой строке листа не найдены заголовки столбцов реестра')
  }
  for (const text of unknown) {
    issues.push({
      row: 1,
      column: text,
      message:
        `Неизвестный столбец «${text}»: его данные не были бы загружены. ` +
        `Переименуйте его или удалите. Известные столбцы: ${KNOWN_HEADERS.join('; ')}`,
    })
  }
  return mapped
}

/** The sheet column number of the layout's column `key` (found as mapColumns finds it), or 0. */
function columnOf(header: ExcelJS.Row, key: string): number {
  const c = LAYOUT.find((l) => l.key === key)!
  const names = new Set([c.header, c.key, ...(c.aliases ?? [])].map(norm))
  let found = 0
  header.eachCell((cell, colNumber) => {
    const text = cellText(cell.value)
    if (!found && text && names.has(norm(text))) found = colNumber
  })
  return found
}

/** Normalised label or code → code. */
const labelToCode = (pairs: [string, string][]) =>
  new Map(
    pairs.flatMap(([code, label]) => [
      [norm(label), code],
      [norm(code), code],
    ]),
  )

/** One non-empty cell into `parsed` by its column's kind; the problem, if any, in Russian. */
function readCell(
  parsed: ParsedRow,
  c: Column,
  raw: ExcelJS.CellValue,
  text: string,
  codes: Map<string, string> | undefined,
): string | null {
  const key = c.key as WritableField
  switch (c.kind) {
    case 'id': {
      const n = parseNumber(raw)
      if (n === undefined || !Number.isSafeInteger(n) || n <= 0) return 'Неверный ID'
      parsed.id = n
      return null
    }
    case 'int':
    case 'number':
    case 'money': {
      const n = parseNumber(raw)
      if (n === undefined) return `Ожидается число, а не «${text}»`
      parsed.values[key] = n
      return null
    }
    case 'date': {
      const d = parseDate(raw)
      if (!d) return `Неверная дата «${text}» (ожидается ДД.ММ.ГГГГ)`
      parsed.values[key] = d
      return null
    }
    case 'plan': {
      const p = parsePlan(raw)
      if (!p) return `Неверный месяц плана «${text}» (например, «Октябрь 2026»)`
      parsed.values[key] = p
      return null
    }
    case 'enum': {
      const code = codes!.get(norm(text))
      if (!code)
        return `Неизвестное значение «${text}»; допустимо: ${Object.values(c.labels!).join(', ')}`
      parsed.values[key] = code
      return null
    }
    case 'department': {
      const code = codes!.get(norm(text))
      if (!code) return `Неизвестное подразделение «${text}»`
      parsed.values[key] = code
      return null
    }
    default:
      parsed.values[key] = text
      return null
  }
}
