// The export: the filtered, sorted register (no paging) as XLSX, streamed — rows come from a
// server-side cursor and are written row by row, so memory stays flat for any size.
import { PassThrough, Readable } from 'node:stream'
import ExcelJS from 'exceljs'
import { LONG_JOB_STATEMENT_TIMEOUT, type Sql, type TransactionSql } from '../../../runtime/db.ts'
import type { User } from '../../../runtime/endpoint.ts'
import type { Logger } from '../../../runtime/log.ts'
import { formatPlan } from '../../shared/labels.ts'
import { columnsFor } from '../fields.ts'
import { filterCondition, orderBy, selectColumns, type Filters } from '../query.ts'
import { departmentLabels } from '../../departments.ts'
import { LAYOUT, NUM_FMT, type Column } from './layout.ts'

/** A value as the sheet shows it: dates as dates, plan months and codes as Russian labels. */
function cellValue(c: Column, v: any, departments: Map<string, string>): unknown {
  if (c.kind === 'date') return new Date(`${v}T00:00:00Z`)
  if (c.kind === 'plan') return formatPlan(v)
  if (c.kind === 'enum') return c.labels![v] ?? v
  if (c.kind === 'department') return departments.get(v) ?? v
  return v
}

/** The register under `filters` as an XLSX stream (the columns this user may see). */
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

  // the cursor is one statement from its first fetch to its last: the requests' statement_timeout
  // would cut a long export off, so it runs in a transaction with a long job's own limit
  const write = () =>
    sql.begin(async (tx) => {
      await tx.unsafe(`set local statement_timeout = '${LONG_JOB_STATEMENT_TIMEOUT}'`)
      await writeBook(tx)
    })
  const writeBook = async (tx: TransactionSql) => {
    const departments = await departmentLabels(tx)
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
    const cursor = tx`
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
          if (r[c.key] != null) values[c.key] = cellValue(c, r[c.key], departments)
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
