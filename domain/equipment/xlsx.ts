// The register as an Excel workbook: one column layout shared by the streaming export and the
// import (Russian headers; labels instead of codes; dates as dates; computed columns exported and
// ignored on the way back), the export writer and the all-or-nothing import with a per-row report.
import { PassThrough, Readable } from 'node:stream'
import ExcelJS from 'exceljs'
import type { Sql } from '../../runtime/db.ts'
import { readBody, type AuthedEnv, type User } from '../../runtime/endpoint.ts'
import { badRequest, json, tooLarge, unsupportedType } from '../../runtime/errors.ts'
import type { Logger } from '../../runtime/log.ts'
import { today } from '../../runtime/clock.ts'
import {
  columnsFor,
  EquipmentCreate,
  WRITABLE_FIELDS,
  type EquipmentInput,
  type WritableField,
} from './fields.ts'
import { filterCondition, orderBy, selectColumns, type Filters } from './query.ts'
import {
  findEquipment,
  intervalWarnings,
  insertEquipment,
  updateEquipment,
  type EquipmentRow,
} from './write.ts'
import {
  EQUIPMENT_TYPES,
  formatDate,
  formatPlan,
  MONTHS,
  STATES,
  STATUSES,
  VERIFICATION_RESULTS,
  VERIFICATION_TYPES,
} from '../shared/labels.ts'

type Kind = 'id' | 'text' | 'int' | 'number' | 'money' | 'date' | 'plan' | 'department' | 'enum'

interface Column {
  key: string
  header: string
  kind: Kind
  width: number
  labels?: Record<string, string>
  /** computed by the database: exported, ignored by the import */
  computed?: boolean
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
  col('equipment_model', 'Модель / тип', 'text', 20),
  col('equipment_type', 'Тип оборудования', 'enum', 10, { labels: EQUIPMENT_TYPES }),
  col('equipment_specs', 'Метрологические характеристики', 'text', 18),
  col('factory_number', 'Заводской №', 'text'),
  col('inventory_number', 'Инвентарный №', 'text'),
  col('equipment_year', 'Год выпуска', 'int', 10),
  col('verification_type', 'Тип верификации', 'enum', 14, { labels: VERIFICATION_TYPES }),
  col('registry_number', '№ в Госреестре', 'text'),
  col('verification_interval', 'Межповерочный интервал, мес.', 'int', 12),
  col('verification_date', 'Дата последней верификации', 'date', 14),
  col('verification_due', 'Действует до', 'date', 14, { computed: true }),
  col('verification_plan', 'План', 'plan', 16),
  col('verification_state', 'Состояние', 'enum', 16, { labels: STATES }),
  col('status', 'Статус', 'enum', 16, { labels: STATUSES, computed: true }),
  col('verification_result', 'Результат', 'enum', 12, { labels: VERIFICATION_RESULTS }),
  col('certificate_number', '№ свидетельства', 'text'),
  col('verification_cost', 'Стоимость верификации', 'money', 14),
  col('department', 'Подразделение', 'department', 14),
  col('responsible_person', 'Ответственное лицо', 'text', 22),
  col('verifier_org', 'Организация-поверитель', 'text', 18),
  col('budget_item', 'Статья бюджета', 'text', 14),
  col('code_rate', 'Тариф', 'text', 12),
  col('cost_rate', 'Стоимость по тарифу без НДС', 'money', 14),
  col('quantity', 'Кол-во', 'int', 8),
  col('coefficient', 'Доп. коэффициент', 'number', 10),
  col('total_cost', 'Итоговая стоимость', 'money', 14, { computed: true }),
  col('invoice_number', 'Номер счёта', 'text', 14),
  col('paid_amount', 'Факт оплаты', 'money', 14),
  col('payment_date', 'Дата оплаты', 'date', 14),
]

const NUM_FMT: Partial<Record<Kind, string>> = {
  date: 'dd.mm.yyyy',
  money: '#,##0.00',
  int: '0',
  id: '0',
}

/** The export's file name: «Реестр_оборудования_<today in the branch's zone>.xlsx». */
export function exportFileName(timeZone: string, now = new Date()): string {
  return `Реестр_оборудования_${formatDate(today(timeZone, now))}.xlsx`
}

const isoToDate = (iso: string) => new Date(`${iso}T00:00:00Z`)

/**
 * Streams the filtered, sorted register (no paging) as XLSX: rows come from a server-side cursor
 * and are written row by row, so memory stays flat for any size.
 */
export function streamExport(
  sql: Sql,
  user: User,
  filters: Filters,
  expiringDays: number,
  log: Logger,
): ReadableStream<Uint8Array> {
  const where = filterCondition(sql, user, filters, expiringDays)
  const order = orderBy(sql, user, filters)
  const visible = new Set<string>(columnsFor(user))
  const columns = LAYOUT.filter((c) => visible.has(c.key))
  const out = new PassThrough()

  const write = async () => {
    const departments = new Map(
      (await sql`select code, label from departments`).map((r) => [r.code, r.label]),
    )
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: out,
      useStyles: true,
      useSharedStrings: false,
    })
    wb.creator = 'Deltica'
    const ws = wb.addWorksheet('Реестр', { views: [{ state: 'frozen', ySplit: 1 }] })
    ws.columns = columns.map((c) => ({
      header: c.header,
      key: c.key,
      width: c.width,
      style: NUM_FMT[c.kind] ? { numFmt: NUM_FMT[c.kind] } : {},
    }))
    ws.getRow(1).font = { bold: true }
    const cursor = sql`
      select ${selectColumns(sql, user)}
      from equipment_active e
      where ${where}
      order by ${order}`.cursor(500)
    for await (const rows of cursor) {
      // the client went away: stop reading (leaving the loop closes the cursor)
      if (out.destroyed) return
      for (const r of rows) {
        const values: Record<string, unknown> = {}
        for (const c of columns) {
          const v = r[c.key]
          if (v == null) continue
          if (c.kind === 'date') values[c.key] = isoToDate(v)
          else if (c.kind === 'plan') values[c.key] = formatPlan(v)
          else if (c.kind === 'enum') values[c.key] = c.labels![v] ?? v
          else if (c.kind === 'department') values[c.key] = departments.get(v) ?? v
          else values[c.key] = v
        }
        ws.addRow(values).commit()
      }
    }
    ws.commit()
    await wb.commit()
  }
  write().catch((error) => {
    log.error('export failed', { error: error instanceof Error ? error.message : String(error) })
    out.destroy(error)
  })
  return Readable.toWeb(out) as unknown as ReadableStream<Uint8Array>
}

// ---------------------------------------------------------------- import

export interface RowIssue {
  row: number
  column: string
  message: string
}

const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ').replace(/ё/g, 'е')

function cellText(value: ExcelJS.CellValue): string | null {
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

function parseDate(value: ExcelJS.CellValue): string | undefined {
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

function parsePlan(value: ExcelJS.CellValue): string | undefined {
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

function parseNumber(value: ExcelJS.CellValue): number | undefined {
  if (typeof value === 'number') return value
  const text = cellText(value)
  if (!text) return undefined
  const n = Number(text.replace(/\s/g, '').replace(',', '.'))
  return Number.isFinite(n) ? n : undefined
}

/** Reads the uploaded workbook: raw XLSX bytes, or multipart/form-data with a `file` field. */
async function readUpload(request: Request, maxBytes: number): Promise<Buffer> {
  let bytes = await readBody(request, maxBytes, 'Файл слишком большой для загрузки')
  const type = request.headers.get('content-type') ?? ''
  if (type.startsWith('multipart/form-data')) {
    let file: unknown
    try {
      const form = await new Response(bytes, { headers: { 'content-type': type } }).formData()
      file = form.get('file')
    } catch {
      throw badRequest('Не удалось прочитать форму с файлом')
    }
    if (!file || typeof file === 'string') throw badRequest('Приложите файл в поле «file»')
    bytes = Buffer.from(await (file as Blob).arrayBuffer())
  }
  if (bytes.length === 0) throw badRequest('Пустой файл')
  // XLSX is a ZIP archive: "PK\x03\x04"
  if (bytes.length < 4 || bytes.readUInt32LE(0) !== 0x04034b50) {
    throw unsupportedType('Ожидается файл Excel в формате XLSX')
  }
  return bytes
}

const MAX_IMPORT_ROWS = 100_000

interface ParsedRow {
  row: number
  id: number | null
  values: Partial<Record<WritableField, unknown>>
}

/** The sheet → rows of raw field values, and the problems found while converting cells. */
async function parseSheet(
  bytes: Buffer,
  departments: Map<string, string>,
): Promise<{ rows: ParsedRow[]; issues: RowIssue[]; columns: Column[] }> {
  const wb = new ExcelJS.Workbook()
  try {
    await wb.xlsx.load(bytes as any)
  } catch {
    throw badRequest('Не удалось прочитать файл: это не книга Excel (XLSX) или она повреждена')
  }
  const ws = wb.worksheets[0]
  if (!ws) throw badRequest('В книге нет листов')
  const byHeader = new Map<string, Column>()
  for (const c of LAYOUT) {
    byHeader.set(norm(c.header), c)
    byHeader.set(norm(c.key), c)
  }
  const mapped = new Map<number, Column>()
  ws.getRow(1).eachCell((cell, colNumber) => {
    const c = byHeader.get(norm(cellText(cell.value) ?? ''))
    if (c && !c.computed) mapped.set(colNumber, c)
  })
  const columns = [...mapped.values()]
  if (!columns.some((c) => c.key !== 'id')) {
    throw badRequest('В первой строке листа не найдены заголовки столбцов реестра')
  }
  if (ws.rowCount - 1 > MAX_IMPORT_ROWS) {
    throw tooLarge(`Не больше ${MAX_IMPORT_ROWS} строк за одну загрузку`)
  }
  const labelToCode = (labels: Record<string, string>) =>
    new Map(
      Object.entries(labels).flatMap(([code, label]) => [
        [norm(label), code],
        [norm(code), code],
      ]),
    )
  const enumMaps = new Map(
    columns.filter((c) => c.labels).map((c) => [c.key, labelToCode(c.labels!)]),
  )
  const deptMap = new Map(
    [...departments].flatMap(([code, label]) => [
      [norm(label), code],
      [norm(code), code],
    ]),
  )

  const rows: ParsedRow[] = []
  const issues: RowIssue[] = []
  for (let r = 2; r <= ws.rowCount; r++) {
    const row = ws.getRow(r)
    if (!row.hasValues) continue
    const values: Partial<Record<WritableField, unknown>> = {}
    let id: number | null = null
    let any = false
    for (const [colNumber, c] of mapped) {
      const raw = row.getCell(colNumber).value
      const text = cellText(raw)
      if (text != null) any = true
      const problem = (message: string) => issues.push({ row: r, column: c.header, message })
      const key = c.key as WritableField
      if (text == null) {
        if (c.kind !== 'id') values[key] = null
        continue
      }
      switch (c.kind) {
        case 'id': {
          const n = parseNumber(raw)
          if (n === undefined || !Number.isSafeInteger(n) || n <= 0) problem('Неверный ID')
          else id = n
          break
        }
        case 'int':
        case 'number':
        case 'money': {
          const n = parseNumber(raw)
          if (n === undefined) problem(`Ожидается число, а не «${text}»`)
          else values[key] = n
          break
        }
        case 'date': {
          const d = parseDate(raw)
          if (!d) problem(`Неверная дата «${text}» (ожидается ДД.ММ.ГГГГ)`)
          else values[key] = d
          break
        }
        case 'plan': {
          const p = parsePlan(raw)
          if (!p) problem(`Неверный месяц плана «${text}» (например, «Октябрь 2026»)`)
          else values[key] = p
          break
        }
        case 'enum': {
          const code = enumMaps.get(c.key)!.get(norm(text))
          if (!code)
            problem(
              `Неизвестное значение «${text}»; допустимо: ${Object.values(c.labels!).join(', ')}`,
            )
          else values[key] = code
          break
        }
        case 'department': {
          const code = deptMap.get(norm(text))
          if (!code) problem(`Неизвестное подразделение «${text}»`)
          else values[key] = code
          break
        }
        default:
          values[key] = text
      }
    }
    if (!any) continue
    rows.push({ row: r, id, values })
  }
  return { rows, issues, columns }
}

/** The row's writable values as the create schema sees them (defaults for empty counts). */
function candidate(
  values: Partial<Record<WritableField, unknown>>,
  current: EquipmentRow | undefined,
): Record<string, unknown> {
  const base: Record<string, unknown> = {}
  if (current) for (const f of WRITABLE_FIELDS) base[f] = current[f]
  const merged: Record<string, unknown> = { ...base, ...values }
  for (const f of ['quantity', 'coefficient']) if (merged[f] == null) delete merged[f]
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k]
  return merged
}

/**
 * POST /api/equipment/import: validates every row first and reports every problem
 * ({row, column, message}); writes nothing unless the whole file is valid; then, in one
 * transaction, updates rows whose ID exists (only changed fields, audited) and creates the rest.
 */
export async function importWorkbook(
  request: Request,
  env: AuthedEnv,
  dryRun: boolean,
  maxBytes: number,
): Promise<Response> {
  const bytes = await readUpload(request, maxBytes)
  const departments = new Map<string, string>(
    (await env.sql`select code, label from departments`).map((r) => [r.code, r.label]),
  )
  const { rows, issues, columns } = await parseSheet(bytes, departments)
  const headerOf = new Map(LAYOUT.map((c) => [c.key, c.header]))

  const ids = rows.flatMap((r) => (r.id ? [r.id] : []))
  const current = new Map<number, EquipmentRow>()
  if (ids.length) {
    const found = await env.sql<EquipmentRow[]>`
      select e.*
      from equipment_active e
      where e.id in ${env.sql(ids)}`
    for (const r of found) current.set(r.id, r)
  }
  const seen = new Set<number>()
  const valid: { row: number; id: number | null; input: EquipmentInput }[] = []
  for (const r of rows) {
    if (r.id && !current.has(r.id)) {
      issues.push({
        row: r.row,
        column: 'ID',
        message: `Оборудование с ID ${r.id} не найдено в реестре`,
      })
      continue
    }
    if (r.id && seen.has(r.id)) {
      issues.push({ row: r.row, column: 'ID', message: `ID ${r.id} встречается в файле повторно` })
      continue
    }
    if (r.id) seen.add(r.id)
    const parsed = EquipmentCreate.safeParse(
      candidate(r.values, r.id ? current.get(r.id) : undefined),
    )
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const key = String(issue.path[0] ?? '')
        issues.push({
          row: r.row,
          column: headerOf.get(key) ?? key,
          message: /[а-яё]/i.test(issue.message) ? issue.message : 'Недопустимое значение',
        })
      }
      continue
    }
    valid.push({ row: r.row, id: r.id, input: parsed.data })
  }
  issues.sort((a, b) => a.row - b.row)
  if (issues.length) {
    return json(
      {
        error: `В файле есть ошибки (${issues.length}); ничего не изменено`,
        errors: issues,
        dry_run: dryRun,
      },
      400,
    )
  }

  const present = new Set(columns.map((c) => c.key))
  const warnings: RowIssue[] = []
  for (const v of valid) {
    for (const w of intervalWarnings(v.input.verification_interval)) {
      warnings.push({ row: v.row, column: headerOf.get(w.field)!, message: w.message })
    }
  }
  const summary = { created: 0, updated: 0, unchanged: 0 }
  const patchOf = (input: EquipmentInput) =>
    Object.fromEntries(
      WRITABLE_FIELDS.filter((f) => present.has(f)).map((f) => [f, input[f] ?? null]),
    )

  if (dryRun) {
    for (const v of valid) {
      if (!v.id) summary.created++
      else {
        const before = current.get(v.id)!
        const patch = patchOf(v.input)
        const differs = Object.keys(patch).some(
          (k) => JSON.stringify(before[k] ?? null) !== JSON.stringify(patch[k] ?? null),
        )
        if (differs) summary.updated++
        else summary.unchanged++
      }
    }
    return json({ dry_run: true, rows: valid.length, ...summary, errors: [], warnings })
  }

  await env.sql.begin(async (tx) => {
    for (const v of valid) {
      if (!v.id) {
        await insertEquipment(tx, env, v.input, {
          audit: 'equipment_import_create',
          skipDepartmentCheck: true,
        })
        summary.created++
        continue
      }
      const before = await findEquipment(tx, env.user, v.id, { lock: true })
      const result = before
        ? await updateEquipment(tx, env, before, patchOf(v.input), {
            audit: 'equipment_import_update',
            skipDepartmentCheck: true,
          })
        : null
      if (result) summary.updated++
      else summary.unchanged++
    }
  })
  return json({ dry_run: false, rows: valid.length, ...summary, errors: [], warnings })
}
