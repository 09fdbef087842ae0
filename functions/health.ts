// Health of the server and its database, and the admin's system monitor.
//   GET /api/health         anyone: {status, db, version}; 503 when the database does not answer
//   GET /api/health/system  admin: db status + latency + size + connections, disk of DATA_DIR,
//                           CPU, memory, uptime, version, last backup and its age in seconds
//   GET /api/health/logs?limit=  admin: the last lines of today's log file (parsed JSON lines)
import { z } from 'zod'
import { lastBackup } from '../domain/backup/history.ts'
import { HealthView, Items, LogLineView, SystemView } from '../domain/schemas.ts'
import { endpoint } from '../runtime/endpoint.ts'
import { json } from '../runtime/errors.ts'

const api = endpoint(import.meta.url)

api.get(
  '/',
  {
    auth: 'public',
    summary: 'Состояние сервера и базы данных',
    response: HealthView,
  },
  async (_req, env) => {
    const latency = await env.system.pingDatabase()
    const body = {
      status: latency === null ? 'error' : 'ok',
      db: latency === null ? 'unavailable' : 'ok',
      version: env.config.version,
    }
    return json(body, latency === null ? 503 : 200)
  },
)

api.get(
  '/system',
  {
    auth: 'admin',
    summary: 'Монитор системы: база, диск, процессор, память, время работы, последняя копия',
    response: SystemView,
  },
  async (_req, env) => {
    const latency = await env.system.pingDatabase()
    const [disk, last, dbSize, connections, cpu] = await Promise.all([
      env.system.disk(),
      latency === null ? null : lastBackup(env.sql),
      latency === null ? null : env.system.databaseSize(),
      latency === null ? null : env.system.databaseConnections(),
      env.system.cpu(),
    ])
    const backupAt = last ? new Date(last.finished_at ?? last.started_at).getTime() : null
    const { memory, uptime_s, load } = env.system.process()
    return {
      status: latency === null ? 'error' : 'ok',
      version: env.config.version,
      db: {
        status: latency === null ? 'unavailable' : 'ok',
        latency_ms: latency === null ? null : Math.round(latency * 10) / 10,
        size_bytes: dbSize,
        connections,
      },
      disk,
      cpu,
      memory,
      uptime_s,
      load,
      last_backup: last,
      last_backup_age_s:
        backupAt === null ? null : Math.max(0, Math.round((Date.now() - backupAt) / 1000)),
    }
  },
)

api.get(
  '/logs',
  {
    auth: 'admin',
    summary: 'Последние строки журнала сервера за сегодня',
    response: Items(LogLineView),
    query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
  },
  async (_req, env, { query }) => {
    const lines = await env.system.logLines(query.limit)
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

export default api
