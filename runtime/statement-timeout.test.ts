// A request's SQL statement is cancelled after the configured statement_timeout (a 503 through
// the error mapping); a long job raises it inside its own transaction — the XLSX export too, whose
// cursor is one statement from its first fetch to its last.
import ExcelJS from 'exceljs'
import { Readable } from 'node:stream'
import { expect, it } from 'vitest'
import { testDatabase, serverUrl } from '../test/db.ts'
import { seedDemo } from '../domain/equipment/seed-demo.ts'
import { FilterQuery } from '../domain/equipment/query.ts'
import { streamExport } from '../domain/equipment/xlsx/export.ts'
import { connectUrl, LONG_JOB_STATEMENT_TIMEOUT, openDatabase } from './db.ts'
import { classify } from './errors.ts'
import { createLogger } from './log.ts'

it.runIf(serverUrl)('statement_timeout for requests; long jobs set their own', async () => {
  const db = await openDatabase({
    databaseUrl: serverUrl,
    dataDir: '/nonexistent',
    poolSize: 2,
    statementTimeoutMs: 200,
  })
  try {
    const error = await db.sql`select pg_sleep(1)`.then(
      () => null,
      (e: unknown) => e,
    )
    expect((error as { code?: string })?.code).toBe('57014')
    expect(classify(error)?.status).toBe(503)
    const [{ slept }] = await db.sql.begin(async (tx) => {
      await tx.unsafe(`set local statement_timeout = '${LONG_JOB_STATEMENT_TIMEOUT}'`)
      return tx`select 1 as slept from pg_sleep(0.5)`
    })
    expect(slept).toBe(1)
  } finally {
    await db.close()
  }
})

it.runIf(serverUrl)(
  'an export that outlasts the requests’ statement_timeout is not cut off',
  async () => {
    const db = await testDatabase(2)
    // the requests' pool with a timeout far shorter than writing 3,000 rows of XLSX takes
    const sql = connectUrl(db.url, 2, undefined, 50)
    try {
      await seedDemo(db.sql, { count: 3000 })
      const admin = {
        id: 1,
        username: 'admin',
        full_name: 'Администратор',
        department: null,
        role: 'admin' as const,
        token_version: 0,
      }
      const log = createLogger({ level: 'error', stdout: false })
      const stream = streamExport(sql, admin, FilterQuery.parse({}), 30, log)
      const wb = new ExcelJS.Workbook()
      await wb.xlsx.read(Readable.fromWeb(stream as any))
      expect(wb.worksheets[0].rowCount).toBe(3001)
    } finally {
      await sql.end({ timeout: 5 })
      await db.close()
    }
  },
  60_000,
)
