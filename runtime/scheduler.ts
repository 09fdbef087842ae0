// The daily job scheduler. Every `tickMs` (a minute in production, milliseconds in tests) it runs
// each job whose hour has come today (the database clock, in the branch's APP_TIMEZONE) and that
// has not run today. A run holds the job's advisory lock (runtime/locks.ts) and is written to the
// journal it is given (the audit log: domain/jobs/journal.ts), so with several server replicas
// exactly one of them runs a job per day; a server that was down at the hour catches up later
// that day.
import type { Config } from './config.ts'
import type { Sql } from './db.ts'
import { BUSY, LOCKS, tryLock } from './locks.ts'
import type { Logger } from './log.ts'

export interface JobContext {
  sql: Sql
  config: Config
  log: Logger
  services: Record<string, unknown>
}

export interface DailyJob {
  /** unique, stable: it keys the lock and the run record */
  name: string
  /** the hour (0–23, local time of the database), or how to read it (a setting) */
  hour: number | ((sql: Sql) => Promise<number>)
  run(ctx: JobContext): Promise<unknown>
}

export interface Clock {
  /** 'YYYY-MM-DD' and hour 0–23 of "now" */
  (sql: Sql): Promise<{ day: string; hour: number }>
}

/** Where runs are recorded: "already ran today" reads it, every run (ok or failed) writes it. */
export interface JobJournal {
  ranSince(sql: Sql, job: string, day: string): Promise<boolean>
  record(
    sql: Sql,
    job: string,
    run: { status: 'ok' | 'error'; duration_ms: number; error: string | null },
  ): Promise<void>
}

export const databaseClock: Clock = async (sql) => {
  const [row] = await sql<{ day: string; hour: number }[]>`
    select current_date::text as day, extract(hour from localtimestamp)::int as hour`
  return row
}

export interface SchedulerOptions extends JobContext {
  journal: JobJournal
  tickMs?: number
  clock?: Clock
}

export type RunOutcome = 'done' | 'failed' | 'busy' | 'already'

export class Scheduler {
  private readonly jobs = new Map<string, DailyJob>()
  private timer: NodeJS.Timeout | null = null
  private current: Promise<unknown> = Promise.resolve()
  private ticking = false

  private readonly opts: SchedulerOptions

  constructor(opts: SchedulerOptions) {
    this.opts = opts
  }

  /** Adds a daily job (before or after start). */
  register(job: DailyJob): this {
    if (this.jobs.has(job.name)) throw new Error(`scheduler: job ${job.name} registered twice`)
    this.jobs.set(job.name, job)
    return this
  }

  get names(): string[] {
    return [...this.jobs.keys()]
  }

  start(): void {
    if (this.timer) return
    const tickMs = this.opts.tickMs ?? 60_000
    this.timer = setInterval(() => void this.tick(), tickMs)
    this.timer.unref()
    void this.tick()
  }

  /** Stops ticking and waits for a job that is running to finish. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.current
  }

  /** One pass over the jobs: runs those that are due. Returns what happened to each due job. */
  tick(): Promise<Record<string, RunOutcome>> {
    if (this.ticking) return Promise.resolve({})
    this.ticking = true
    const pass = this.duePass().finally(() => (this.ticking = false))
    this.current = pass.catch(() => {})
    return pass
  }

  private async duePass(): Promise<Record<string, RunOutcome>> {
    const out: Record<string, RunOutcome> = {}
    if (this.jobs.size === 0) return out
    try {
      const { hour } = await (this.opts.clock ?? databaseClock)(this.opts.sql)
      for (const job of this.jobs.values()) {
        const jobHour = typeof job.hour === 'number' ? job.hour : await job.hour(this.opts.sql)
        if (hour >= jobHour) out[job.name] = await this.runOnce(job)
      }
    } catch (error) {
      this.opts.log.error('scheduler tick failed', { error: String(error) })
    }
    return out
  }

  /**
   * Runs `job` unless another replica holds its lock or it already ran today. `force` skips the
   * "already ran today" check (admin "run now" buttons still get the single-runner lock).
   */
  async runOnce(job: DailyJob | string, opts: { force?: boolean } = {}): Promise<RunOutcome> {
    const j = typeof job === 'string' ? this.jobs.get(job) : job
    if (!j) throw new Error(`scheduler: no job ${String(job)}`)
    const { sql, log, journal } = this.opts
    const outcome = await tryLock(sql, LOCKS.job(j.name), async (conn) => {
      const { day } = await (this.opts.clock ?? databaseClock)(sql)
      if (!opts.force && (await journal.ranSince(conn, j.name, day))) return 'already' as const
      const started = performance.now()
      let error: string | null = null
      try {
        await j.run({ ...this.opts })
      } catch (e) {
        error = e instanceof Error ? e.message : String(e)
      }
      const durationMs = Math.round(performance.now() - started)
      await journal.record(conn, j.name, {
        status: error ? 'error' : 'ok',
        duration_ms: durationMs,
        error,
      })
      if (error) log.error('scheduled job failed', { job: j.name, error, duration_ms: durationMs })
      else log.info('scheduled job done', { job: j.name, duration_ms: durationMs })
      return error ? ('failed' as const) : ('done' as const)
    })
    return outcome === BUSY ? 'busy' : outcome
  }
}
