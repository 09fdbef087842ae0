// The archive's manifest.json: what the archive holds (format, versions, migrations, per table the
// row count and an order-independent checksum, size and sha256 of the dump and of every file) —
// written when backing up, and the yardstick an unpacked archive and a restored database are
// checked against.
import { createHash } from 'node:crypto'
import { createReadStream, existsSync } from 'node:fs'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Sql, TransactionSql } from '../db.ts'
import { BackupError } from './target.ts'

/** DATA_DIR folders that hold user files; each goes into the archive whole. */
export const FILE_STORES = ['uploads'] as const
/**
 * Tables that are the server's, not the archive's: their rows are left out of the dump and the
 * checksums, and a restore keeps the server's current rows (the history of backups; the secret
 * settings, so an archive never holds the SMTP password).
 */
export const SKIP_DATA = ['backups', 'secrets']
const FORMAT = 'deltica-backup'
/** `.<uuid>.part`: an upload still arriving (runtime/files/receive.ts), not yet a file of any row */
export const IN_PROGRESS = /^\..*\.part$/

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

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  await pipeline(createReadStream(file), hash)
  return hash.digest('hex')
}

/** Every plain file under `dir` (uploads in progress left out); [] when it does not exist. */
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
export async function userTables(sql: Sql | TransactionSql): Promise<string[]> {
  const rows = await sql<{ name: string }[]>`
    select tablename as name from pg_tables where schemaname = 'public' order by tablename`
  return rows.map((r) => r.name)
}

export async function hasTable(sql: Sql | TransactionSql, name: string): Promise<boolean> {
  const [{ ok }] = await sql`select to_regclass(${'public.' + name}) is not null as ok`
  return ok
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

/** The tables whose row count or checksum differs from the manifest's. */
export function mismatchedTables(manifest: Manifest, tables: Record<string, TableSum>): string[] {
  return Object.keys(manifest.tables).filter(
    (name) =>
      !tables[name] ||
      tables[name].rows !== manifest.tables[name].rows ||
      tables[name].checksum !== manifest.tables[name].checksum,
  )
}

/** Path (relative to DATA_DIR), size and sha256 of every file of the file stores. */
export async function storeFiles(dataDir: string): Promise<Manifest['files']> {
  const files: Manifest['files'] = []
  for (const store of FILE_STORES) {
    for (const f of await walk(join(dataDir, store))) {
      const s = await stat(f)
      files.push({ path: posix(relative(dataDir, f)), size: s.size, sha256: await sha256File(f) })
    }
  }
  return files
}

export function newManifest(parts: {
  version: string
  engine: 'postgres' | 'embedded'
  serverVersion: string
  dump: { file: string; size: number; sha256: string }
  migrations: number[]
  tables: Record<string, TableSum>
  files: Manifest['files']
}): Manifest {
  return {
    format: FORMAT,
    format_version: 1,
    created_at: new Date().toISOString(),
    app_version: parts.version,
    database: {
      engine: parts.engine,
      server_version: parts.serverVersion,
      file: parts.dump.file,
      dump: parts.engine === 'postgres' ? 'pg_dump-custom' : 'deltica-jsonl',
      size: parts.dump.size,
      sha256: parts.dump.sha256,
    },
    migrations: parts.migrations,
    tables: parts.tables,
    stores: [...FILE_STORES],
    files: parts.files,
  }
}

/**
 * Checks an unpacked archive in `dir` against its manifest: the format, then every file (size and
 * sha256), nothing missing, nothing extra. Throws BackupError naming the first problem.
 */
export async function checkUnpacked(dir: string): Promise<Manifest> {
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
  return manifest
}
