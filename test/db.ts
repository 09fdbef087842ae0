// A freshly migrated database per test file: a new database on the real PostgreSQL when
// TEST_DATABASE_URL (or DATABASE_URL) is set, else an in-memory embedded PGlite.
import { randomBytes } from 'node:crypto'
import { prepareDatabase } from '../domain/bootstrap.ts'
import { connectUrl, openEmbedded, type Sql } from '../runtime/db.ts'

export const serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? null

export interface TestDatabase {
  sql: Sql
  url: string
  kind: 'postgres' | 'embedded'
  close(): Promise<void>
}

/** An empty database (no migrations) — for tests of the migrator itself. */
export async function emptyDatabase(poolSize = 10): Promise<TestDatabase> {
  if (!serverUrl) {
    const db = await openEmbedded(null, poolSize)
    return { sql: db.sql, url: db.url, kind: 'embedded', close: db.close }
  }
  const name = `deltica_test_${process.pid}_${randomBytes(4).toString('hex')}`
  const admin = connectUrl(serverUrl, 1)
  await admin.unsafe(`create database ${name}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const sql = connectUrl(url.toString(), poolSize)
  return {
    sql,
    url: url.toString(),
    kind: 'postgres',
    async close() {
      await sql.end({ timeout: 5 })
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end({ timeout: 5 })
    },
  }
}

export async function testDatabase(poolSize = 10): Promise<TestDatabase> {
  const db = await emptyDatabase(poolSize)
  await prepareDatabase(db.sql)
  return db
}
