// A request's SQL statement is cancelled after the configured statement_timeout (a 503 through
// the error mapping); a long job raises it inside its own transaction (the XLSX export's case is
// in domain/equipment/xlsx/export-timeout.test.ts).
import { expect, it } from 'vitest'
import { serverUrl } from '../test/db.ts'
import { LONG_JOB_STATEMENT_TIMEOUT, openDatabase } from './db.ts'
import { classify } from './errors.ts'

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
