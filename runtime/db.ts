// The database pool: postgres.js against DATABASE_URL, or against an embedded PostgreSQL (PGlite,
// persisted in DATA_DIR) served on a loopback socket, so both take the same code path.
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { DEFAULT_TIME_ZONE } from './clock.ts'
import { FolderInUse, folderOwner, lockFolder } from './embedded-lock.ts'

export type Sql = postgres.Sql<{}>
export type TransactionSql = postgres.TransactionSql<{}>

export interface Database {
  sql: Sql
  /** 'postgres' for a real server, 'embedded' for PGlite */
  kind: 'postgres' | 'embedded'
  url: string
  close(): Promise<void>
}

/** Type parsers shared by every pool: dates stay 'YYYY-MM-DD' strings, numerics become numbers. */
const poolOptions = (
  max: number,
  timeZone = DEFAULT_TIME_ZONE,
  statementTimeoutMs = 0,
): postgres.Options<{}> => ({
  max,
  idle_timeout: 60,
  connect_timeout: 10,
  onnotice: () => {},
  types: {
    date: {
      to: 1082,
      from: [1082],
      serialize: (value: string) => value,
      parse: (value: string) => value,
    },
    bigint: {
      to: 20,
      from: [20],
      serialize: (value: number | bigint) => String(value),
      parse: (value: string) => Number(value),
    },
    numeric: {
      to: 1700,
      from: [1700],
      serialize: (value: number | string) => String(value),
      parse: (value: string) => Number(value),
    },
  } as any,
  connection: {
    application_name: 'deltica',
    TimeZone: timeZone,
    // the register's page statements are ~1 ms of work that the planner prices above
    // jit_above_cost (an outer join it cannot size); compiling them took ~24 ms a request at
    // 100,000 instruments — more than everything else — so the pool never JIT-compiles
    jit: 'off',
    ...(statementTimeoutMs > 0 ? { statement_timeout: String(statementTimeoutMs) } : {}),
  } as any,
})

/**
 * What a long job (backup, restore, import, the XLSX export) sets inside its transaction instead
 * of the requests' statement_timeout: `set local statement_timeout = ...`.
 */
export const LONG_JOB_STATEMENT_TIMEOUT = '30min'

export function connectUrl(
  url: string,
  max: number,
  timeZone?: string,
  statementTimeoutMs?: number,
): Sql {
  return postgres(url, poolOptions(max, timeZone, statementTimeoutMs)) as unknown as Sql
}

/**
 * A pool that cannot change its database: every transaction of every connection is read-only
 * (the default_transaction_read_only start-up parameter), for reading another system's data.
 */
export function connectReadOnly(url: string, max = 2): Sql {
  const options = poolOptions(max)
  return postgres(url, {
    ...options,
    connection: { ...(options.connection as object), default_transaction_read_only: 'on' } as any,
  }) as unknown as Sql
}

/** The embedded engine's pool: its Unix socket (a path) or, in memory, its loopback URL. */
function connectEmbedded(address: string, max: number, timeZone?: string): Sql {
  if (!address.startsWith('/')) return connectUrl(address, max, timeZone)
  return postgres({
    ...poolOptions(max, timeZone),
    path: address,
    user: 'postgres',
    database: 'postgres',
  }) as unknown as Sql
}

const embeddedUrl = (address: string) =>
  address.startsWith('/') ? `postgres://postgres@localhost/postgres?socket=${address}` : address

export async function openDatabase(opts: {
  databaseUrl: string | null
  dataDir: string
  poolSize: number
  timeZone?: string
  /** PostgreSQL only: every statement of the pool is cancelled after this long (0 = never) */
  statementTimeoutMs?: number
  /**
   * Embedded engine only: when another live process owns the data folder, work through the
   * engine it serves (the command-line tools) instead of refusing (the server, restore).
   */
  shareRunning?: boolean
}): Promise<Database> {
  if (opts.databaseUrl) {
    const sql = connectUrl(opts.databaseUrl, opts.poolSize, opts.timeZone, opts.statementTimeoutMs)
    return { sql, kind: 'postgres', url: opts.databaseUrl, close: () => sql.end({ timeout: 5 }) }
  }
  const dir = join(opts.dataDir, 'pgdata')
  if (opts.shareRunning) {
    const owner = folderOwner(dir)
    if (owner?.address) {
      const sql = connectEmbedded(owner.address, opts.poolSize, opts.timeZone)
      const url = embeddedUrl(owner.address)
      return { sql, kind: 'embedded', url, close: () => sql.end({ timeout: 5 }) }
    }
    if (owner) throw new FolderInUse(dir, owner) // still starting: no address yet
  }
  return openEmbedded(dir, opts.poolSize, opts.timeZone)
}

/**
 * pglite-socket (0.2.17) queues every protocol message separately and keeps one connection's
 * messages together only inside a transaction; between two connections the Parse/Bind/Execute
 * messages of one query could interleave with another's on the single PGlite session ("portal
 * does not exist", hung connections under concurrent requests). Reporting "in transaction" from
 * a query's first message until its Sync makes the queue serve that connection's batch whole.
 */
function keepBatchesTogether<T extends PGliteLike>(db: T): T {
  let midBatch = false
  const SYNC = 0x53
  const QUERY = 0x51
  const TERMINATE = 0x58
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'isInTransaction') return () => midBatch || target.isInTransaction()
      if (prop === 'execProtocolRawStream') {
        return async (message: Uint8Array, ...rest: unknown[]) => {
          try {
            return await target.execProtocolRawStream(message, ...rest)
          } finally {
            midBatch = message[0] !== SYNC && message[0] !== QUERY && message[0] !== TERMINATE
          }
        }
      }
      if (prop === 'exec') {
        // the queue's ROLLBACK for a connection that went away mid-batch ends the batch too
        return (...args: unknown[]) => {
          midBatch = false
          return target.exec(...args)
        }
      }
      const value = Reflect.get(target, prop, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

interface PGliteLike {
  isInTransaction(): boolean
  execProtocolRawStream(message: Uint8Array, ...rest: unknown[]): Promise<unknown>
  exec(...args: unknown[]): Promise<unknown>
}

/** PGlite in a folder (or in memory when dir is null) behind a loopback pglite-socket server. */
export async function openEmbedded(
  dir: string | null,
  poolSize: number,
  timeZone?: string,
): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite')
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket')
  // the register's search index (migrations/00013): a contrib extension of the embedded engine
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm')
  if (dir) mkdirSync(dir, { recursive: true, mode: 0o700 })
  const lock = dir ? lockFolder(dir) : null
  const releaseOnExit = () => lock?.release()
  if (lock) process.once('exit', releaseOnExit)
  let db: Awaited<ReturnType<typeof PGlite.create>>
  try {
    db = await PGlite.create({ ...(dir ? { dataDir: dir } : {}), extensions: { pg_trgm } })
  } catch (error) {
    lock?.release()
    throw error
  }
  // on disk the engine listens on a Unix socket inside its own 0700 folder, so no other local
  // user can reach it (it has no authentication); in memory (tests) on a loopback port. A socket
  // path longer than sun_path allows (a deep DATA_DIR) goes into a private 0700 temporary folder
  // instead — never onto an open TCP port
  let socketDir: string | null = null
  let socket = dir ? join(dir, '.s.PGSQL.5432') : null
  if (dir) chmodSync(dir, 0o700)
  if (socket && Buffer.byteLength(socket) >= 100) {
    socketDir = mkdtempSync(
      join(Buffer.byteLength(tmpdir()) < 60 ? tmpdir() : '/tmp', 'deltica-pg-'),
    )
    socket = join(socketDir, '.s.PGSQL.5432')
  }
  if (socket) rmSync(socket, { force: true }) // left by a killed owner; the lock is ours
  const server = new PGLiteSocketServer({
    db: keepBatchesTogether(db),
    ...(socket ? { path: socket } : { host: '127.0.0.1', port: 0 }),
    // every pooled connection plus short-lived ones (migrations, backups) must fit
    maxConnections: poolSize + 10,
  })
  // pglite-socket ignores connection start-up parameters, and PGlite is one session for every
  // connection: set the branch's time zone once, so current_date is the local day.
  await db.query(`select set_config('TimeZone', $1, false)`, [timeZone ?? DEFAULT_TIME_ZONE])
  await server.start()
  const address = socket ?? `postgres://postgres@${server.getServerConn()}/postgres`
  lock?.publish(address)
  const url = embeddedUrl(address)
  const sql = connectEmbedded(address, poolSize, timeZone)
  return {
    sql,
    kind: 'embedded',
    url,
    async close() {
      await sql.end({ timeout: 5 })
      await server.stop()
      await db.close()
      if (socketDir) rmSync(socketDir, { recursive: true, force: true })
      lock?.release()
      process.off('exit', releaseOnExit)
    },
  }
}
