// The XLSX export raises the requests' statement_timeout inside its own transaction: its cursor is
// one statement from its first fetch to its last.
import ExcelJS from 'exceljs'
import { Readable } from 'node:stream'
import { expect, it } from 'vitest'
import { testDatabase, serverUrl } from '../../../test/db.ts'
import { connectUrl } from '../../../runtime/db.ts'
import { createLogger } from '../../../runtime/log.ts'
import { seedDemo } from '../seed-demo.ts'
import { FilterQuery } from '../query.ts'
import { streamExport } from './export.ts'

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
