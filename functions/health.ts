// Health of the server and its database, and the admin's system monitor.
//   GET /api/health         anyone: {status, db, version}; 503 when the database does not answer
//   GET /api/health/system  admin: db status + latency + size, disk of DATA_DIR, memory, uptime,
//                           version, last backup
//   GET /api/health/logs?limit=  admin: the last lines of today's log file (parsed JSON lines)
import { statfs } from 'node:fs/promises'
import { freemem, loadavg, totalmem } from 'node:os'
import { z } from 'zod'
import { endpoint } from '../runtime/endpoint.ts'
import { json } from '../runtime/errors.ts'
import { tailLines, todaysLogFile } from '../runtime/log-tail.ts'

const api = endpoint(import.meta.url)

const DB_TIMEOUT_MS = 2000

/** Round-trip time of `select 1` in ms, or null when the database does not answer in time. */
export async function pingDatabase(sql: import('../runtime/db.ts').Sql): Promise<number | null> {
  const started = performance.now()
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      sql`select 1`,
      new Promise(
        (_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), DB_TIMEOUT_MS)),
      ),
    ])
    return performance.now() - started
  } catch {
    return null
  } finally {
    clearTimeout(timer)
  }
}

api.get('/', { auth: 'public', summary: 'Состояние сервера и базы данных' }, async (_req, env) => {
  const latency = await pingDatabase(env.sql)
  const body = {
    status: latency === null ? 'error' : 'ok',
    db: latency === null ? 'unavailable' : 'ok',
    version: env.config.version,
  }
  return json(body, latency === null ? 503 : 200)
})

api.get(
  '/system',
  { auth: 'admin', summary: 'Монитор системы: база, диск, память, время работы, последняя копия' },
  async (_req, env) => {
    const latency = await pingDatabase(env.sql)
    const [disk, lastBackup, dbSize] = await Promise.all([
      diskOf(env.config.dataDir),
      latency === null
        ? null
        : env.sql`
            select id, started_at, finished_at, kind, status, size_bytes, error
            from backups
            where status in ('ok', 'error')
            order by started_at desc
            limit 1`.then(([row]) => row ?? null),
      latency === null
        ? null
        : env.sql`select pg_database_size(current_database()) as bytes`.then(([r]) => r.bytes),
    ])
    const memory = process.memoryUsage()
    return {
      status: latency === null ? 'error' : 'ok',
      version: env.config.version,
      db: {
        status: latency === null ? 'unavailable' : 'ok',
        latency_ms: latency === null ? null : Math.round(latency * 10) / 10,
        size_bytes: dbSize,
      },
      disk,
      memory: {
        rss_bytes: memory.rss,
        heap_used_bytes: memory.heapUsed,
        system_total_bytes: totalmem(),
        system_free_bytes: freemem(),
      },
      uptime_s: Math.round(process.uptime()),
      load: loadavg(),
      last_backup: lastBackup,
    }
  },
)

api.get(
  '/logs',
  {
    auth: 'admin',
    summary: 'Последние строки журнала сервера за сегодня',
    query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
  },
  async (_req, env, { query }) => {
    const lines = await tailLines(todaysLogFile(env.config.dataDir), query.limit)
    return {
      items: lines.map((line) => {
        try {
          return JSON.parse(line)
        } catch {
          return { msg: line }
        }
      }),
    }
  },
)

async function diskOf(dir: string) {
  try {
    const s = await statfs(dir)
    return { path: dir, free_bytes: s.bavail * s.bsize, total_bytes: s.blocks * s.bsize }
  } catch {
    return { path: dir, free_bytes: null, total_bytes: null }
  }
}

export default api
