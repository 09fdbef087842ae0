// The database pool: postgres.js against DATABASE_URL, or against an embedded PostgreSQL (PGlite,
// persisted in DATA_DIR) served on a loopback socket, so both take the same code path.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import postgres from 'postgres'

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
export const poolOptions = (max: number, timeZone = 'Europe/Moscow'): postgres.Options<{}> => ({
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
  connection: { application_name: 'deltica', TimeZone: timeZone } as any,
})

export function connectUrl(url: string, max: number, timeZone?: string): Sql {
  return postgres(url, poolOptions(max, timeZone)) as unknown as Sql
}

export async function openDatabase(opts: {
  databaseUrl: string | null
  dataDir: string
  poolSize: number
  timeZone?: string
}): Promise<Database> {
  if (opts.databaseUrl) {
    const sql = connectUrl(opts.databaseUrl, opts.poolSize, opts.timeZone)
    return { sql, kind: 'postgres', url: opts.databaseUrl, close: () => sql.end({ timeout: 5 }) }
  }
  return openEmbedded(join(opts.dataDir, 'pgdata'), opts.poolSize, opts.timeZone)
}

/** PGlite in a folder (or in memory when dir is null) behind a loopback pglite-socket server. */
export async function openEmbedded(
  dir: string | null,
  poolSize: number,
  timeZone?: string,
): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite')
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket')
  if (dir) mkdirSync(dir, { recursive: true })
  const db = dir ? await PGlite.create(dir) : await PGlite.create()
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: 0,
    // every pooled connection plus short-lived ones (migrations, backups) must fit
    maxConnections: poolSize + 10,
  })
  // pglite-socket ignores connection start-up parameters, and PGlite is one session for every
  // connection: set the branch's time zone once, so current_date is the local day.
  await db.query(`select set_config('TimeZone', $1, false)`, [timeZone ?? 'Europe/Moscow'])
  await server.start()
  const url = `postgres://postgres@${server.getServerConn()}/postgres`
  const sql = connectUrl(url, poolSize, timeZone)
  return {
    sql,
    kind: 'embedded',
    url,
    async close() {
      await sql.end({ timeout: 5 })
      await server.stop()
      await db.close()
    },
  }
}
