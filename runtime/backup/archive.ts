// Backups: one tar archive = manifest.json + the database dump + the file stores of DATA_DIR.
//   real PostgreSQL: `pg_dump -Fc` of the server's major version, taken in the same snapshot as
//                    the manifest's row counts and checksums (pg_export_snapshot) — pg-dump.ts
//   embedded PGlite: a logical dump (database.jsonl.gz) — logical-dump.ts
// Restore verifies the whole archive (every sha256 in the manifest, nothing missing or extra)
// before touching anything, replaces the database in one transaction, swaps each file store in
// by rename, then checks row counts and checksums against the manifest. A backup or restore holds
// the backup lock (runtime/locks.ts); the `backups` table is the history of archives. What the
// application adds (the audit entries) comes in through the `recorded` hooks.
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import {
  chmod,
  mkdir,
  readdir,
  rename,
  rm,
  stat,
  symlink,
  unlink,
  writeFile,
} from 'node:fs/promises'
import { join } from 'node:path'
import { create as tarCreate, extract as tarExtract } from 'tar'
import { LONG_JOB_STATEMENT_TIMEOUT, type Sql, type TransactionSql } from '../db.ts'
import { BUSY, LOCKS, tryLock } from '../locks.ts'
import { listMigrations } from '../migrate.ts'
import { logicalDump, logicalRestore } from './logical-dump.ts'
import {
  checkUnpacked,
  FILE_STORES,
  hasTable,
  IN_PROGRESS,
  mismatchedTables,
  newManifest,
  sha256File,
  SKIP_DATA,
  storeFiles,
  tableSums,
  type Manifest,
  type TableSum,
} from './manifest.ts'
import { pgDump, pgRestore, serverVersion } from './pg-dump.ts'
import {
  BackupBusyError,
  BackupError,
  backupsDir,
  type BackupKind,
  type BackupTarget,
} from './target.ts'

const ARCHIVE_PATTERN = /^deltica-backup-\d{8}-\d{6}-[a-z_]+(-\d+)?\.tar$/

function archiveName(kind: BackupKind, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0')
  const stamp =
    `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-` +
    `${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`
  return `deltica-backup-${stamp}-${kind}.tar`
}

/** Runs `task` holding the backup lock; another backup or restore running → BackupBusyError. */
async function withBackupLock<T>(sql: Sql, task: () => Promise<T>): Promise<T> {
  const result = await tryLock(sql, LOCKS.backup, task)
  if (result === BUSY) throw new BackupBusyError()
  return result
}

// ───────────────────────────── backup ─────────────────────────────

export interface BackupResult {
  id: number | null
  file: string
  size: number
  sha256: string
  manifest: Manifest
  duration_ms: number
}

export interface BackupOptions {
  kind: BackupKind
  user?: { id: number; username: string } | null
  /** inside the transaction that marks the history row done (the audit entry) */
  recorded?: (
    tx: TransactionSql,
    backup: { id: number; file: string; size: number },
  ) => Promise<void>
}

export async function createBackup(t: BackupTarget, opts: BackupOptions): Promise<BackupResult> {
  return withBackupLock(t.sql, () => backupUnlocked(t, opts))
}

async function backupUnlocked(t: BackupTarget, opts: BackupOptions): Promise<BackupResult> {
  const started = performance.now()
  const dir = backupsDir(t.dataDir)
  // archives hold every password hash: only the server's own user reads them (0700 / 0600)
  await mkdir(dir, { recursive: true, mode: 0o700 })
  await chmod(dir, 0o700)
  const id = await startHistory(t.sql, opts)
  const staging = join(dir, `.staging-${randomBytes(6).toString('hex')}`)
  let name = archiveName(opts.kind)
  if (existsSync(join(dir, name))) name = name.replace(/\.tar$/, `-${Date.now() % 100000}.tar`)
  const final = join(dir, name)
  const partial = join(dir, `.${name}.partial`)
  try {
    await mkdir(staging, { mode: 0o700 })
    const manifest = await dumpWithManifest(t, staging)
    await packArchive(staging, manifest, partial)
    await chmod(partial, 0o600)
    await rename(partial, final)
    const size = (await stat(final)).size
    const sha256 = await sha256File(final)
    if (id !== null) {
      await t.sql.begin(async (tx) => {
        await tx`
          update backups set
            status = 'ok', finished_at = now(), file_name = ${name}, size_bytes = ${size},
            sha256 = ${sha256}
          where id = ${id}`
        await opts.recorded?.(tx, { id, file: name, size })
      })
    }
    const duration_ms = Math.round(performance.now() - started)
    t.log.info('backup created', { file: name, kind: opts.kind, size_bytes: size, duration_ms })
    return { id, file: final, size, sha256, manifest, duration_ms }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    if (id !== null) {
      await t.sql`
        update backups set status = 'error', finished_at = now(), error = ${message.slice(0, 2000)}
        where id = ${id}`.catch(() => {})
    }
    await rm(partial, { force: true })
    t.log.error('backup failed', { kind: opts.kind, error: message })
    throw error
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
}

/** The history row of a backup that starts now (null before migrations made the table). */
async function startHistory(sql: Sql, opts: BackupOptions): Promise<number | null> {
  if (!(await hasTable(sql, 'backups'))) return null
  const [row] = await sql`
    insert into backups (kind, status, created_by, created_by_name)
    values (${opts.kind}, 'running', ${opts.user?.id ?? null}, ${opts.user?.username ?? 'system'})
    returning id`
  return Number(row.id)
}

/**
 * The dump and the manifest into `staging`: counts, checksums and the dump come from one
 * snapshot, so they describe the same state; then the file stores are listed and hashed.
 */
async function dumpWithManifest(t: BackupTarget, staging: string): Promise<Manifest> {
  const version = await serverVersion(t.sql)
  const dbFile = t.kind === 'postgres' ? 'database.dump' : 'database.jsonl.gz'
  const dbPath = join(staging, dbFile)
  const snapshot = await t.sql.begin('isolation level repeatable read read only', async (tx) => {
    await tx.unsafe(`set local statement_timeout = '${LONG_JOB_STATEMENT_TIMEOUT}'`)
    const tables = await tableSums(tx)
    const migrations = (await hasTable(tx, 'schema_migrations'))
      ? (await tx`select version from schema_migrations order by version`).map((r) => r.version)
      : []
    if (t.kind === 'postgres') {
      const [{ id: snap }] = await tx`select pg_export_snapshot() as id`
      await pgDump(t.url, version.major, snap, dbPath)
    } else {
      await logicalDump(tx, dbPath)
    }
    return { tables, migrations }
  })
  const manifest = newManifest({
    version: t.version,
    engine: t.kind,
    serverVersion: version.text,
    dump: { file: dbFile, size: (await stat(dbPath)).size, sha256: await sha256File(dbPath) },
    migrations: snapshot.migrations.map(Number),
    tables: snapshot.tables,
    files: await storeFiles(t.dataDir),
  })
  for (const store of FILE_STORES) {
    const root = join(t.dataDir, store)
    if (existsSync(root)) await symlink(root, join(staging, store), 'dir')
  }
  await writeFile(join(staging, 'manifest.json'), JSON.stringify(manifest, null, 1))
  return manifest
}

/** The plain tar of the staging folder (the stores followed through their links). */
async function packArchive(staging: string, manifest: Manifest, file: string): Promise<void> {
  const entries = [
    'manifest.json',
    manifest.database.file,
    ...FILE_STORES.filter((s) => existsSync(join(staging, s))),
  ]
  await tarCreate(
    {
      file,
      cwd: staging,
      portable: true,
      follow: true,
      filter: (path) => !IN_PROGRESS.test(path.split('/').pop() ?? ''),
    },
    entries,
  )
}

/** Deletes archives older than `keepDays` (by file time) and marks their history rows. */
export async function pruneBackups(
  t: Pick<BackupTarget, 'sql' | 'dataDir' | 'log'>,
  keepDays: number,
  now = Date.now(),
): Promise<string[]> {
  const dir = backupsDir(t.dataDir)
  const cutoff = now - keepDays * 86_400_000
  const removed: string[] = []
  let names: string[] = []
  try {
    names = await readdir(dir)
  } catch {
    return removed
  }
  for (const name of names) {
    if (!ARCHIVE_PATTERN.test(name)) continue
    const s = await stat(join(dir, name))
    if (s.mtimeMs >= cutoff) continue
    await unlink(join(dir, name))
    removed.push(name)
  }
  if (removed.length && (await hasTable(t.sql, 'backups'))) {
    await t.sql`update backups set status = 'deleted' where file_name = any(${removed})`
  }
  if (removed.length) t.log.info('old backups removed', { files: removed, keep_days: keepDays })
  return removed
}

// ───────────────────────────── restore ─────────────────────────────

export interface VerifiedArchive {
  dir: string
  manifest: Manifest
}

/**
 * Unpacks `archive` into a staging folder inside DATA_DIR and checks it completely: the manifest,
 * the dump and every file (size and sha256), nothing missing, nothing extra. Throws BackupError
 * (and removes the staging folder) when anything is wrong; touches nothing else.
 */
export async function verifyArchive(archive: string, dataDir: string): Promise<VerifiedArchive> {
  if (!existsSync(archive)) throw new BackupError(`Файл архива не найден: ${archive}`)
  await mkdir(dataDir, { recursive: true })
  const dir = join(dataDir, `.restore-${randomBytes(6).toString('hex')}`)
  await mkdir(dir)
  try {
    try {
      await tarExtract({
        file: archive,
        cwd: dir,
        strict: true,
        preserveOwner: false,
        // only plain files and folders: a link in an archive could point outside DATA_DIR
        filter: (_path, entry) => {
          const type = (entry as { type?: string }).type
          return type === 'File' || type === 'Directory' || type === 'OldFile'
        },
      })
    } catch (error) {
      throw new BackupError(`Архив повреждён или обрезан: ${(error as Error).message}`)
    }
    return { dir, manifest: await checkUnpacked(dir) }
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
}

export interface RestoreResult {
  manifest: Manifest
  tables: Record<string, TableSum>
  mismatches: string[]
  duration_ms: number
}

/** Restores a verified archive over the target's database and file stores. */
export async function restoreArchive(
  t: BackupTarget,
  verified: VerifiedArchive,
  opts: { recorded?: (sql: Sql, result: Omit<RestoreResult, 'duration_ms'>) => Promise<void> } = {},
): Promise<RestoreResult> {
  return withBackupLock(t.sql, () => restoreUnlocked(t, verified, opts))
}

async function restoreUnlocked(
  t: BackupTarget,
  { dir, manifest }: VerifiedArchive,
  opts: { recorded?: (sql: Sql, result: Omit<RestoreResult, 'duration_ms'>) => Promise<void> },
): Promise<RestoreResult> {
  const started = performance.now()
  try {
    const migrations = restorableMigrations(t, manifest)
    const kept = await serverRows(t.sql)
    const dumpFile = join(dir, manifest.database.file)
    if (manifest.database.dump === 'pg_dump-custom') {
      await pgRestore(t.url, (await serverVersion(t.sql)).major, dumpFile)
    } else {
      await logicalRestore(t.sql, migrations, dumpFile)
    }
    await putBack(t.sql, kept)
    await swapStores(t.dataDir, dir, manifest)

    const tables = await tableSums(t.sql)
    const mismatches = mismatchedTables(manifest, tables)
    await opts.recorded?.(t.sql, { manifest, tables, mismatches })
    const duration_ms = Math.round(performance.now() - started)
    t.log.info('backup restored', { created_at: manifest.created_at, duration_ms, mismatches })
    return { manifest, tables, mismatches, duration_ms }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** The archive's migrations, refused when this server does not know one or cannot load the dump. */
function restorableMigrations(t: BackupTarget, manifest: Manifest) {
  const known = new Map(listMigrations().map((m) => [m.version, m]))
  const unknown = manifest.migrations.filter((v) => !known.has(v))
  if (unknown.length) {
    throw new BackupError(
      `Архив создан более новой версией Deltica (миграции ${unknown.join(', ')}): обновите сервер`,
    )
  }
  if (manifest.database.dump === 'pg_dump-custom' && t.kind !== 'postgres') {
    throw new BackupError(
      'Архив сервера PostgreSQL нельзя восстановить во встроенную базу: укажите DATABASE_URL',
    )
  }
  return manifest.migrations.map((v) => known.get(v)!)
}

/** The rows of the tables that are the server's, not the archive's (SKIP_DATA), before a restore. */
async function serverRows(sql: Sql): Promise<Map<string, Record<string, unknown>[]>> {
  const rows = new Map<string, Record<string, unknown>[]>()
  for (const table of SKIP_DATA) {
    if (await hasTable(sql, table)) rows.set(table, await sql`select * from ${sql(table)}`)
  }
  return rows
}

/** Puts those rows back after the restore; identity columns continue after the kept ids. */
async function putBack(sql: Sql, kept: Map<string, Record<string, unknown>[]>): Promise<void> {
  for (const [table, rows] of kept) {
    if (!rows.length || !(await hasTable(sql, table))) continue
    await sql`
      insert into ${sql(table)} overriding system value
      select * from json_populate_recordset(null::${sql(table)}, ${JSON.stringify(rows)}::text::json)
      on conflict do nothing`
    const identities = await sql<{ column: string }[]>`
      select column_name as column from information_schema.columns
      where table_schema = 'public' and table_name = ${table} and is_identity = 'YES'`
    for (const { column } of identities) {
      await sql`
        select setval(pg_get_serial_sequence(${table}, ${column}), coalesce(max(${sql(column)}), 0) + 1, false)
        from ${sql(table)}`
    }
  }
}

/** Each file store: the archive's folder swapped in by rename, the old one dropped. */
async function swapStores(dataDir: string, dir: string, manifest: Manifest): Promise<void> {
  for (const store of manifest.stores) {
    const live = join(dataDir, store)
    const incoming = join(dir, store)
    const old = join(dir, `.old-${store}`)
    if (!existsSync(incoming)) await mkdir(incoming, { recursive: true })
    if (existsSync(live)) await rename(live, old)
    await rename(incoming, live)
  }
}
