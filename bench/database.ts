// A throw-away database for the benchmark, load and fault scripts: created on a PostgreSQL
// server, migrated, seeded with the demo seeder, with one admin; dropped by drop().
import { prepareDatabase } from '../domain/bootstrap.ts'
import { connectUrl, type Sql } from '../runtime/db.ts'
import { seedDemo } from '../domain/equipment/seed-demo.ts'
import { createUser } from '../domain/users/accounts.ts'

export const BENCH_PASSWORD = 'bench-password-1'

export const defaultServerUrl = () =>
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  process.env.DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres'

export interface BenchDatabase {
  url: string
  sql: Sql
  seedSeconds: number
  drop(): Promise<void>
}

export async function benchDatabase(
  size: number,
  opts: { serverUrl?: string; name?: string } = {},
): Promise<BenchDatabase> {
  const serverUrl = opts.serverUrl ?? defaultServerUrl()
  const name = opts.name ?? `deltica_bench_${size}_${process.pid}`
  const admin = connectUrl(serverUrl, 1)
  await admin.unsafe(`drop database if exists ${name} with (force)`)
  await admin.unsafe(`create database ${name}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const sql = connectUrl(url.toString(), 4)
  await prepareDatabase(sql)
  await createUser(sql, {
    username: 'bench',
    full_name: 'Бенчмарк',
    department: null,
    role: 'admin',
    password: BENCH_PASSWORD,
    active: true,
  })
  const started = performance.now()
  if (size > 0) await seedDemo(sql, { count: size })
  // the register as autovacuum leaves it: the visibility map set, so the grid's ids are read
  // from its indexes alone (index-only scans)
  await sql`vacuum analyze equipment`
  const seedSeconds = (performance.now() - started) / 1000
  // load comes from one address: lift the per-IP login limit for this database
  await sql`update settings set value = '10000' where key = 'login_rate_per_minute'`
  return {
    url: url.toString(),
    sql,
    seedSeconds,
    async drop() {
      await sql.end({ timeout: 5 })
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end({ timeout: 5 })
    },
  }
}
