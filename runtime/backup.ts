// Backups: one tar archive = manifest.json + the database dump + the file stores of DATA_DIR.
//   real PostgreSQL: `pg_dump -Fc` of the server's major version, taken in the same snapshot as
//                    the manifest's row counts and checksums (pg_export_snapshot)
//   embedded PGlite: a logical dump (database.jsonl.gz: the schema version + every table's rows)
// Restore verifies the whole archive (every sha256 in the manifest, nothing missing or extra)
// before touching anything, replaces the database in one transaction, swaps each file store in
// by rename, then checks row counts and checksums against the manifest.
import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream, existsSync } from 'node:fs'
import {
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  symlink,
  unlink,
  writeFile,
} from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { createInterface } from 'node:readline'
import { pipeline } from 'node:stream/promises'
import { createGunzip, createGzip } from 'node:zlib'
import { create as tarCreate, extract as tarExtract } from 'tar'
import { recordAudit } from '../domain/audit/record.ts'
import { loadSettings } from '../domain/settings/registry.ts'
import type { Config } from './config.ts'
import type { Sql, TransactionSql } from './db.ts'
import type { Logger } from './log.ts'
import { applyMigrations, listMigrations } from './migrate.ts'

/** DATA_DIR folders that hold user files; each goes into the archive whole. */
export const FILE_STORES = ['uploads'] as const
/** Tables whose data is not part of a backup (the history of backups itself survives restores). */
const SKIP_DATA = ['backups']
const FORMAT = 'deltica-backup'
const ARCHIVE_PATTERN = /^deltica-backup-\d{8}-\d{6}-[a-z_]+(-\d+)?\.tar$/
const LOCK = [7_415_101, 0] as const // "a backup or restore is running"
/** `.<uuid>.part`: an upload still arriving (runtime/uploads.ts), not yet a file of any row */
const IN_PROGRESS = /^\..*\.part$/

export type BackupKind = 'manual' | 'scheduled' | 'pre_migration' | 'cli'

export interface BackupTarget {
  sql: Sql
  /** 'postgres': pg_dump/pg_restore against `url`; 'embedded': logical dump through `sql` */
  kind: 'postgres' | 'embedded'
  url: string
  dataDir: string
  log: Logger
  version: string
}

export interface TableSum {
  rows: number
  checksum: string
}

export interface Manifest {
  format: typeof FORMAT
  format_version: 1
  created_at: string
  app_version: string
  database: {
    engine: 'postgres' | 'embedded'
    server_version: string
    file: string
    dump: 'pg_dump-custom' | 'deltica-jsonl'
    size: number
    sha256: string
  }
  migrations: number[]
  tables: Record<string, TableSum>
  stores: string[]
  files: { path: string; size: number; sha256: string }[]
}

export class BackupError extends Error {}

/** The database behind `sql`, as main.ts (or a test) put it in services.database. */
export function backupTarget(env: {
  sql: Sql
  config: Config
  log: Logger
  services: Record<string, unknown>
}): BackupTarget {
  const db = env.services.database as { kind: 'postgres' | 'embedded'; url: string } | undefined
  return {
    sql: env.sql,
    kind: db?.kind ?? (env.config.databaseUrl ? 'postgres' : 'embedded'),
    url: db?.url ?? env.config.databaseUrl ?? '',
    dataDir: env.config.dataDir,
    log: env.log,
    version: env.config.version,
  }
}

/** The daily job: a backup, then retention. */
export async function scheduledBackup(env: Parameters<typeof backupTarget>[0]): Promise<void> {
  const target = backupTarget(env)
  await createBackup(target, { kind: 'scheduled' })
  await pruneBackups(target, (await loadSettings(env.sql)).backup_keep_days)
}

/** prepareDatabase's beforeMigrate hook: a backup of a database that already has a schema. */
export async function backupBeforeMigrate(target: BackupTarget): Promise<void> {
  const [{ n }] = await target.sql`
    select count(*)::int as n from pg_tables where schemaname = 'public'`
  if (n === 0) return
  await createBackup(target, { kind: 'pre_migration' })
}

export const backupsDir = (dataDir: string) => join(dataDir, 'backups')

// ───────────────────────────── helpers ─────────────────────────────

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  await pipeline(createReadStream(file), hash)
  return hash.digest('hex')
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = []
  let entries
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return out
    throw error
  }
  for (const e of entries) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...(await walk(p)))
    else if (e.isFile() && !IN_PROGRESS.test(e.name)) out.push(p)
  }
  return out
}

const posix = (p: string) => p.split(sep).join('/')

/** Every user table of the public schema, sorted. */
async function userTables(sql: Sql | TransactionSql): Promise<string[]> {
  const rows = await sql<{ name: string }[]>`
    select tablename as name from pg_tables where schemaname = 'public' order by tablename`
  return rows.map((r) => r.name)
}

/**
 * Row count and an order-independent checksum of every table (sum of 64-bit hashes of each
 * row's text), one aggregate query per table.
 */
export async function tableSums(sql: Sql | TransactionSql): Promise<Record<string, TableSum>> {
  const out: Record<string, TableSum> = {}
  for (const name of await userTables(sql)) {
    if (SKIP_DATA.includes(name)) continue
    const [row] = await sql<{ rows: number; checksum: string }[]>`
      select count(*)::int as rows, coalesce(sum(hashtextextended(t::text, 0)), 0)::text as checksum
      from ${sql(name)} t`
    out[name] = row
  }
  return out
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, stdin?: NodeJS.ReadableStream) {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new BackupError(`${cmd}: ${err.trim() || `код ${code}`}`)),
    )
    if (stdin) stdin.pipe(child.stdin)
    else child.stdin.end()
  })
}

/** libpq environment for a postgres:// URL (the password never appears on a command line). */
function libpqEnv(url: string): NodeJS.ProcessEnv {
  const u = new URL(url)
  return {
    PGHOST: decodeURIComponent(u.hostname),
    PGPORT: u.port || '5432',
    PGUSER: decodeURIComponent(u.username) || 'postgres',
    PGPASSWORD: decodeURIComponent(u.password),
    PGDATABASE: decodeURIComponent(u.pathname.slice(1)) || 'postgres',
    PGAPPNAME: 'deltica-backup',
  }
}

/** The folder holding pg_dump/pg_restore/psql of exactly the server's major version. */
export async function postgresBinDir(major: number): Promise<string> {
  const candidates = [
    process.env.PG_BIN_DIR,
    `/usr/lib/postgresql/${major}/bin`,
    `/usr/libexec/postgresql${major}`,
    `C:\\Program Files\\PostgreSQL\\${major}\\bin`,
  ].filter((d): d is string => !!d)
  const exe = process.platform === 'win32' ? 'pg_dump.exe' : 'pg_dump'
  for (const dir of candidates) {
    if (!existsSync(join(dir, exe))) continue
    const version = await run(join(dir, exe), ['--version'], {}).catch(() => '')
    if (new RegExp(`\\b${major}\\.`).test(version)) return dir
  }
  throw new BackupError(
    `Не найден pg_dump версии ${major} (версия сервера PostgreSQL). Установите postgresql-client-${major} ` +
      `(ожидается /usr/lib/postgresql/${major}/bin/pg_dump) или укажите папку в PG_BIN_DIR`,
  )
}

async function serverVersion(sql: Sql): Promise<{ text: string; major: number }> {
  const [row] = await sql<{ num: string; text: string }[]>`
    select current_setting('server_version_num') as num, current_setting('server_version') as text`
  return { text: row.text, major: Math.floor(Number(row.num) / 10000) }
}

async function hasTable(sql: Sql | TransactionSql, name: string): Promise<boolean> {
  const [{ ok }] = await sql`select to_regclass(${'public.' + name}) is not null as ok`
  return ok
}

function archiveName(kind: BackupKind, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0')
  const stamp =
    `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-` +
    `${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`
  return `deltica-backup-${stamp}-${kind}.tar`
}

// ───────────────────────────── dumps ─────────────────────────────

/** The embedded engine's logical dump: one JSON line per row, a header line per table. */
async function logicalDump(tx: TransactionSql, file: string): Promise<void> {
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

async function logicalRestore(tx: TransactionSql, file: string): Promise<void> {
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

// ───────────────────────────── backup ─────────────────────────────

export interface BackupResult {
  id: number | null
  file: string
  size: number
  sha256: string
  manifest: Manifest
  duration_ms: number
}

async function withLock<T>(sql: Sql, fn: () => Promise<T>): Promise<T> {
  const conn = await sql.reserve()
  try {
    const [{ ok }] = await conn`select pg_try_advisory_lock(${LOCK[0]}, ${LOCK[1]}) as ok`
    if (!ok) throw new BackupError('Резервное копирование или восстановление уже выполняется')
    try {
      return await fn()
    } finally {
      await conn`select pg_advisory_unlock(${LOCK[0]}, ${LOCK[1]})`
    }
  } finally {
    conn.release()
  }
}

export async function createBackup(
  t: BackupTarget,
  opts: { kind: BackupKind; user?: { id: number; username: string } | null; ip?: string },
): Promise<BackupResult> {
  return withLock(t.sql, () => backupUnlocked(t, opts))
}

async function backupUnlocked(
  t: BackupTarget,
  opts: { kind: BackupKind; user?: { id: number; username: string } | null; ip?: string },
): Promise<BackupResult> {
  const started = performance.now()
  const dir = backupsDir(t.dataDir)
  await mkdir(dir, { recursive: true })
  const history = await hasTable(t.sql, 'backups')
  let id: number | null = null
  if (history) {
    const [row] = await t.sql`
      insert into backups (kind, status, created_by, created_by_name)
      values (${opts.kind}, 'running', ${opts.user?.id ?? null}, ${opts.user?.username ?? 'system'})
      returning id`
    id = Number(row.id)
  }
  const staging = join(dir, `.staging-${randomBytes(6).toString('hex')}`)
  let name = archiveName(opts.kind)
  if (existsSync(join(dir, name))) name = name.replace(/\.tar$/, `-${Date.now() % 100000}.tar`)
  const final = join(dir, name)
  const partial = join(dir, `.${name}.partial`)
  try {
    await mkdir(staging)
    const version = await serverVersion(t.sql)
    const dbFile = t.kind === 'postgres' ? 'database.dump' : 'database.jsonl.gz'
    const dbPath = join(staging, dbFile)

    // one snapshot for the dump and the manifest's counts
    const snapshot = await t.sql.begin('isolation level repeatable read read only', async (tx) => {
      const tables = await tableSums(tx)
      const migrations = (await hasTable(tx, 'schema_migrations'))
        ? (await tx`select version from schema_migrations order by version`).map((r) => r.version)
        : []
      if (t.kind === 'postgres') {
        const [{ id: snap }] = await tx`select pg_export_snapshot() as id`
        const bin = await postgresBinDir(version.major)
        await run(
          join(bin, 'pg_dump'),
          [
            '--format=custom',
            '--no-owner',
            '--no-acl',
            `--snapshot=${snap}`,
            ...SKIP_DATA.map((s) => `--exclude-table-data=${s}`),
            `--file=${dbPath}`,
          ],
          libpqEnv(t.url),
        )
      } else {
        await logicalDump(tx, dbPath)
      }
      return { tables, migrations }
    })

    const files: Manifest['files'] = []
    for (const store of FILE_STORES) {
      const root = join(t.dataDir, store)
      for (const f of await walk(root)) {
        const s = await stat(f)
        files.push({
          path: posix(relative(t.dataDir, f)),
          size: s.size,
          sha256: await sha256File(f),
        })
      }
      if (existsSync(root)) await symlink(root, join(staging, store), 'dir')
    }
    const manifest: Manifest = {
      format: FORMAT,
      format_version: 1,
      created_at: new Date().toISOString(),
      app_version: t.version,
      database: {
        engine: t.kind,
        server_version: version.text,
        file: dbFile,
        dump: t.kind === 'postgres' ? 'pg_dump-custom' : 'deltica-jsonl',
        size: (await stat(dbPath)).size,
        sha256: await sha256File(dbPath),
      },
      migrations: snapshot.migrations.map(Number),
      tables: snapshot.tables,
      stores: [...FILE_STORES],
      files,
    }
    await writeFile(join(staging, 'manifest.json'), JSON.stringify(manifest, null, 1))
    const entries = [
      'manifest.json',
      dbFile,
      ...FILE_STORES.filter((s) => existsSync(join(staging, s))),
    ]
    await tarCreate(
      {
        file: partial,
        cwd: staging,
        portable: true,
        follow: true,
        filter: (path) => !IN_PROGRESS.test(path.split('/').pop() ?? ''),
      },
      entries,
    )
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
        await recordAudit(
          tx,
          { user: (opts.user as any) ?? null, ip: opts.ip ?? 'local' },
          {
            action: 'backup_create',
            entity: 'backup',
            entityId: id,
            username: opts.user?.username ?? 'system',
            changes: { kind: opts.kind, file: name, size_bytes: size },
          },
        )
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
    let manifest: Manifest
    try {
      manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'))
    } catch {
      throw new BackupError('Архив повреждён: нет описи manifest.json')
    }
    if (manifest.format !== FORMAT || manifest.format_version !== 1) {
      throw new BackupError('Это не архив резервной копии Deltica или его версия не поддерживается')
    }
    const expected = new Map<string, { size: number; sha256: string }>([
      [manifest.database.file, manifest.database],
      ...manifest.files.map((f) => [f.path, f] as const),
    ])
    const present = (await walk(dir)).map((f) => posix(relative(dir, f)))
    for (const p of present) {
      if (p !== 'manifest.json' && !expected.has(p)) {
        throw new BackupError(`Архив повреждён: лишний файл ${p}`)
      }
    }
    for (const [p, want] of expected) {
      const file = join(dir, p)
      if (!existsSync(file)) throw new BackupError(`Архив повреждён или обрезан: нет файла ${p}`)
      const size = (await stat(file)).size
      if (size !== want.size || (await sha256File(file)) !== want.sha256) {
        throw new BackupError(`Архив повреждён: не совпадает контрольная сумма ${p}`)
      }
    }
    return { dir, manifest }
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
  opts: { user?: string } = {},
): Promise<RestoreResult> {
  return withLock(t.sql, () => restoreUnlocked(t, verified, opts))
}

async function restoreUnlocked(
  t: BackupTarget,
  { dir, manifest }: VerifiedArchive,
  opts: { user?: string },
): Promise<RestoreResult> {
  const started = performance.now()
  try {
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
    const history = (await hasTable(t.sql, 'backups'))
      ? await t.sql`select * from backups order by id`
      : []
    const dumpFile = join(dir, manifest.database.file)

    if (manifest.database.dump === 'pg_dump-custom') {
      const version = await serverVersion(t.sql)
      const bin = await postgresBinDir(version.major)
      const env = libpqEnv(t.url)
      // pg_restore renders SQL; psql runs it after the wipe in ONE transaction, so a failure
      // leaves the database as it was
      const script = spawn(
        join(bin, 'pg_restore'),
        ['--no-owner', '--no-acl', '--file=-', dumpFile],
        {
          env: { ...process.env, ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      let restoreErr = ''
      script.stderr.on('data', (d) => (restoreErr += d))
      const { PassThrough } = await import('node:stream')
      const input = new PassThrough()
      input.write('drop schema if exists public cascade;\ncreate schema public;\n')
      script.stdout.pipe(input)
      await Promise.all([
        run(
          join(bin, 'psql'),
          ['--no-psqlrc', '--quiet', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '--file=-'],
          env,
          input,
        ),
        new Promise<void>((resolve, reject) =>
          script.on('close', (code) =>
            code === 0 ? resolve() : reject(new BackupError(`pg_restore: ${restoreErr.trim()}`)),
          ),
        ),
      ])
    } else {
      await t.sql.begin(async (tx) => {
        await tx`drop schema if exists public cascade`
        await tx`create schema public`
        const migrations = manifest.migrations.map((v) => known.get(v)!)
        await applyMigrations(tx, migrations)
        await tx`set local session_replication_role = replica`
        // the migrations wrote their own rows (reference data, schema_migrations): the archive's win
        for (const table of await userTables(tx)) {
          if (!SKIP_DATA.includes(table)) await tx`delete from ${tx(table)}`
        }
        await logicalRestore(tx, dumpFile)
      })
    }

    // the backup history is the server's, not the archive's: put it back
    if (history.length && (await hasTable(t.sql, 'backups'))) {
      await t.sql`
        insert into backups overriding system value
        select * from json_populate_recordset(null::backups, ${JSON.stringify(history)}::text::json)
        on conflict (id) do nothing`
      await t.sql`
        select setval(pg_get_serial_sequence('backups', 'id'), coalesce(max(id), 0) + 1, false)
        from backups`
    }

    // file stores: swap the archive's folder in by rename, drop the old one
    for (const store of manifest.stores) {
      const live = join(t.dataDir, store)
      const incoming = join(dir, store)
      const old = join(dir, `.old-${store}`)
      if (!existsSync(incoming)) await mkdir(incoming, { recursive: true })
      if (existsSync(live)) await rename(live, old)
      await rename(incoming, live)
    }

    const tables = await tableSums(t.sql)
    const mismatches = Object.keys(manifest.tables).filter(
      (name) =>
        !tables[name] ||
        tables[name].rows !== manifest.tables[name].rows ||
        tables[name].checksum !== manifest.tables[name].checksum,
    )
    await recordAudit(
      t.sql,
      { user: null, ip: 'local' },
      {
        action: 'backup_restore',
        entity: 'backup',
        username: opts.user ?? 'system',
        changes: { created_at: manifest.created_at, files: manifest.files.length, mismatches },
      },
    )
    const duration_ms = Math.round(performance.now() - started)
    t.log.info('backup restored', { created_at: manifest.created_at, duration_ms, mismatches })
    return { manifest, tables, mismatches, duration_ms }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
