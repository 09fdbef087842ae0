// The real PostgreSQL's dump and restore: `pg_dump --format=custom` of exactly the server's major
// version, taken in the snapshot the manifest was computed in; restore = `pg_restore --file=-`
// piped into `psql --single-transaction` after a wipe of the public schema, so a failure leaves
// the database as it was. The password travels in the environment, never on a command line.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import type { Sql } from '../db.ts'
import { SKIP_DATA } from './manifest.ts'
import { BackupError } from './target.ts'

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

export async function serverVersion(sql: Sql): Promise<{ text: string; major: number }> {
  const [row] = await sql<{ num: string; text: string }[]>`
    select current_setting('server_version_num') as num, current_setting('server_version') as text`
  return { text: row.text, major: Math.floor(Number(row.num) / 10000) }
}

/** pg_dump of the database at `url` as of the exported `snapshot` into `file`. */
export async function pgDump(url: string, major: number, snapshot: string, file: string) {
  const bin = await postgresBinDir(major)
  await run(
    join(bin, 'pg_dump'),
    [
      '--format=custom',
      '--no-owner',
      '--no-acl',
      `--snapshot=${snapshot}`,
      ...SKIP_DATA.map((s) => `--exclude-table-data=${s}`),
      `--file=${file}`,
    ],
    libpqEnv(url),
  )
}

/** Replaces the database at `url` with the dump in `file`, in one transaction. */
export async function pgRestore(url: string, major: number, file: string): Promise<void> {
  const bin = await postgresBinDir(major)
  const env = libpqEnv(url)
  // pg_restore renders SQL; psql runs it after the wipe in ONE transaction, so a failure leaves
  // the database as it was
  const script = spawn(join(bin, 'pg_restore'), ['--no-owner', '--no-acl', '--file=-', file], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let restoreErr = ''
  script.stderr.on('data', (d) => (restoreErr += d))
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
}
