// The system monitor's readings (env.system): the database's round trip and size, the disk of
// DATA_DIR, the process's memory, uptime and load, the machine's CPU use, the database's
// connections, and the last lines of today's log file. The handlers read the machine only through it.
import { statfs } from 'node:fs/promises'
import { cpus, freemem, loadavg, totalmem } from 'node:os'
import type { Sql } from './db.ts'
import { tailLines, todaysLogFile } from './log-tail.ts'

const DB_TIMEOUT_MS = 2000
/** the first CPU reading measures over this window; later ones since the previous reading */
const CPU_SAMPLE_MS = 250

interface CpuTimes {
  idle: number
  total: number
  at: number
}

function cpuTimes(): CpuTimes {
  let idle = 0
  let total = 0
  for (const c of cpus()) {
    idle += c.times.idle
    total += c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq
  }
  return { idle, total, at: Date.now() }
}

export interface SystemInfo {
  /** round trip of `select 1` in ms, or null when the database does not answer in time */
  pingDatabase(): Promise<number | null>
  databaseSize(): Promise<number>
  /** connections open to this database (every client, this server's pool included) */
  databaseConnections(): Promise<number>
  /** the machine's CPU busy share in percent (all cores), and the number of cores */
  cpu(): Promise<{ percent: number; cores: number }>
  disk(): Promise<{ path: string; free_bytes: number | null; total_bytes: number | null }>
  process(): {
    memory: {
      rss_bytes: number
      heap_used_bytes: number
      system_total_bytes: number
      system_free_bytes: number
    }
    uptime_s: number
    load: number[]
  }
  /** the last `limit` lines of today's log file, oldest first */
  logLines(limit: number): Promise<string[]>
}

export function systemInfo(sql: Sql, dataDir: string): SystemInfo {
  let previous: CpuTimes | null = null
  return {
    async databaseConnections() {
      const [row] = await sql<{ n: number }[]>`
        select count(*)::int as n from pg_stat_activity where datname = current_database()`
      return row.n
    },
    async cpu() {
      let before = previous
      if (!before || Date.now() - before.at < CPU_SAMPLE_MS) {
        before = cpuTimes()
        await new Promise((r) => setTimeout(r, CPU_SAMPLE_MS))
      }
      const now = cpuTimes()
      previous = now
      const total = now.total - before.total
      const busy = total - (now.idle - before.idle)
      const percent = total > 0 ? Math.round((1000 * busy) / total) / 10 : 0
      return { percent: Math.min(100, Math.max(0, percent)), cores: cpus().length }
    },
    async pingDatabase() {
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
    },
    async databaseSize() {
      const [row] = await sql`select pg_database_size(current_database()) as bytes`
      return row.bytes as number
    },
    async disk() {
      try {
        const s = await statfs(dataDir)
        return { path: dataDir, free_bytes: s.bavail * s.bsize, total_bytes: s.blocks * s.bsize }
      } catch {
        return { path: dataDir, free_bytes: null, total_bytes: null }
      }
    },
    process() {
      const memory = process.memoryUsage()
      return {
        memory: {
          rss_bytes: memory.rss,
          heap_used_bytes: memory.heapUsed,
          system_total_bytes: totalmem(),
          system_free_bytes: freemem(),
        },
        uptime_s: Math.round(process.uptime()),
        load: loadavg(),
      }
    },
    logLines: (limit) => tailLines(todaysLogFile(dataDir), limit),
  }
}
