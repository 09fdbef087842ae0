// The embedded engine's dump (database.jsonl.gz): a header line per table ({"table": name}) and
// one row_to_json line per row, read by cursor. Restore rebuilds the archive's schema version by
// re-applying its migrations, then inserts the rows with triggers off and moves identity
// sequences past the restored ids — all in one transaction. (pglite-tools' pgDump pins an older
// PGlite and emits COPY … FROM stdin, which the socket path does not carry.)
import { createReadStream, createWriteStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { pipeline } from 'node:stream/promises'
import { createGunzip, createGzip } from 'node:zlib'
import { LONG_JOB_STATEMENT_TIMEOUT, type Sql, type TransactionSql } from '../db.ts'
import { applyMigrations, type Migration } from '../migrate.ts'
import { SKIP_DATA, userTables } from './manifest.ts'
import { BackupError } from './target.ts'

/** Writes every table's rows (inside the caller's snapshot transaction) into `file`. */
export async function logicalDump(tx: TransactionSql, file: string): Promise<void> {
  const gzip = createGzip({ level: 6 })
  const out = createWriteStream(file)
  const done = pipeline(gzip, out)
  const write = (line: string) =>
    gzip.write(line + '\n') ? Promise.resolve() : new Promise((r) => gzip.once('drain', r))
  for (const table of await userTables(tx)) {
    if (SKIP_DATA.includes(table)) continue
    await write(JSON.stringify({ table }))
    const cursor = tx`select row_to_json(t)::text as j from ${tx(table)} t`.cursor(2000)
    for await (const rows of cursor) {
      for (const r of rows) await write(r.j)
    }
  }
  gzip.end()
  await done
}

/** Replaces the database behind `sql` with `migrations` + the rows of `file`, in one transaction. */
export async function logicalRestore(
  sql: Sql,
  migrations: Migration[],
  file: string,
): Promise<void> {
  await sql.begin(async (tx) => {
    await tx.unsafe(`set local statement_timeout = '${LONG_JOB_STATEMENT_TIMEOUT}'`)
    await tx`drop schema if exists public cascade`
    await tx`create schema public`
    await applyMigrations(tx, migrations)
    await tx`set local session_replication_role = replica`
    // the migrations wrote their own rows (reference data, schema_migrations): the archive's win
    for (const table of await userTables(tx)) {
      if (!SKIP_DATA.includes(table)) await tx`delete from ${tx(table)}`
    }
    await insertRows(tx, file)
  })
}

async function insertRows(tx: TransactionSql, file: string): Promise<void> {
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()) })
  let table: string | null = null
  let columns: string[] = []
  let batch: string[] = []
  const flush = async () => {
    if (!table || batch.length === 0) return
    const rows = `[${batch.join(',')}]`
    batch = []
    await tx`
      insert into ${tx(table)} (${tx(columns)}) overriding system value
      select ${tx(columns)} from json_populate_recordset(null::${tx(table)}, ${rows}::text::json)`
  }
  for await (const line of lines) {
    if (!line) continue
    if (line.startsWith('{"table":')) {
      await flush()
      table = JSON.parse(line).table as string
      const cols = await tx<{ name: string }[]>`
        select column_name as name
        from information_schema.columns
        where table_schema = 'public' and table_name = ${table} and is_generated = 'NEVER'
        order by ordinal_position`
      if (cols.length === 0) throw new BackupError(`В базе нет таблицы ${table}`)
      columns = cols.map((c) => c.name)
      continue
    }
    batch.push(line)
    if (batch.length >= 2000) await flush()
  }
  await flush()
  // identity sequences continue after the restored ids
  const identities = await tx<{ table: string; column: string }[]>`
    select table_name as table, column_name as column
    from information_schema.columns
    where table_schema = 'public' and is_identity = 'YES'`
  for (const { table: t, column: c } of identities) {
    await tx`
      select setval(pg_get_serial_sequence(${t}, ${c}), coalesce(max(${tx(c)}), 0) + 1, false)
      from ${tx(t)}`
  }
}
