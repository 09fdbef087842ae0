// Forward-only migrations: migrations/NNNNN_name.sql applied in order inside one transaction that
// holds an advisory lock, so two servers starting together never race; recorded in a table.
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Sql, TransactionSql } from './db.ts'
import { LOCKS, lockTransaction } from './locks.ts'

const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url))

export interface Migration {
  version: number
  name: string
  file: string
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => /^\d{5}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((file) => ({ version: Number(file.slice(0, 5)), name: file.slice(6, -4), file }))
  // numbers are reserved per branch, so one may land before a lower one: unique, not gap-free
  migrations.forEach((m, i) => {
    if (i > 0 && m.version === migrations[i - 1].version) {
      throw new Error(`Migration number used twice: ${migrations[i - 1].file}, ${m.file}`)
    }
  })
  return migrations
}

async function pendingMigrations(sql: Sql, dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const [{ exists }] = await sql`select to_regclass('schema_migrations') is not null as exists`
  if (!exists) return listMigrations(dir)
  const applied = new Set((await sql`select version from schema_migrations`).map((r) => r.version))
  return listMigrations(dir).filter((m) => !applied.has(m.version))
}

/**
 * Applies what is pending. `beforeApply` runs (outside the transaction) only when something is
 * pending — the backup taken before every migration hooks in here.
 */
export async function migrate(
  sql: Sql,
  opts: { dir?: string; beforeApply?: (pending: Migration[]) => Promise<void> } = {},
): Promise<Migration[]> {
  const dir = opts.dir ?? MIGRATIONS_DIR
  const pending = await pendingMigrations(sql, dir)
  if (pending.length === 0) return []
  if (opts.beforeApply) await opts.beforeApply(pending)
  return sql.begin(async (tx) => {
    await lockTransaction(tx, LOCKS.migrations)
    return applyMigrations(tx, listMigrations(dir), dir)
  })
}

/**
 * Inside the caller's transaction: creates schema_migrations if needed and applies each of
 * `migrations` not yet recorded (restore uses it to rebuild an archive's schema version).
 */
export async function applyMigrations(
  tx: TransactionSql,
  migrations: Migration[],
  dir = MIGRATIONS_DIR,
): Promise<Migration[]> {
  await tx`
    create table if not exists schema_migrations (
      version integer primary key,
      name text not null,
      applied_at timestamptz not null default now()
    )`
  const applied = new Set(
    (await tx`select version from schema_migrations`).map((r) => r.version as number),
  )
  const done: Migration[] = []
  for (const m of migrations) {
    if (applied.has(m.version)) continue
    await tx.unsafe(readFileSync(`${dir}/${m.file}`, 'utf8'))
    await tx`insert into schema_migrations (version, name) values (${m.version}, ${m.name})`
    done.push(m)
  }
  return done
}
