// The sliding-window rate limiter behind env.rateLimit (sign-in attempts per address, documents
// and test e-mails per user). Its hits live in PostgreSQL (rate_limit_hits, migration 00015), so
// every server replica counts against one window: a client that spreads its requests over the
// replicas gets no more than one process would give it. One key is checked and counted at a time
// (a transaction-level advisory lock), on the database clock.
import type { Sql } from './db.ts'
import { tooManyRequests } from './errors.ts'
import { LOCKS, lockTransaction } from './locks.ts'

/** The longest window a caller may ask for; rows older than this are swept. */
const MAX_WINDOW_MS = 60 * 60 * 1000
/** One hit in this many also sweeps the rows of keys nobody hits any more. */
const SWEEP_EVERY = 500

export interface RateLimiter {
  /** Records a hit for `key`; throws 429 (with Retry-After) when over `limit` in `windowMs`. */
  hit(key: string, limit: number, windowMs: number): Promise<void>
}

export function sharedRateLimiter(sql: Sql): RateLimiter {
  let calls = 0
  return {
    async hit(key, limit, windowMs) {
      if (windowMs <= 0 || windowMs > MAX_WINDOW_MS)
        throw new Error(`rate limit: window ${windowMs} ms outside 1 ms … 1 h`)
      const seconds = windowMs / 1000
      if (++calls % SWEEP_EVERY === 0) {
        await sql`delete from rate_limit_hits
                  where at < now() - make_interval(secs => ${MAX_WINDOW_MS / 1000})`
      }
      const retryMs = await sql.begin(async (tx) => {
        await lockTransaction(tx, LOCKS.rateLimit(key))
        await tx`delete from rate_limit_hits
                 where key = ${key} and at <= now() - make_interval(secs => ${seconds})`
        const [row] = await tx<{ hits: number; retry_ms: number | null }[]>`
          select count(*)::int as hits,
                 (extract(epoch from min(at) + make_interval(secs => ${seconds}) - now()) * 1000)::float8
                   as retry_ms
          from rate_limit_hits where key = ${key}`
        if (row.hits >= limit) return row.retry_ms ?? windowMs
        await tx`insert into rate_limit_hits (key, at) values (${key}, now())`
        return null
      })
      if (retryMs !== null) throw tooManyRequests(Math.max(1, Math.ceil(retryMs / 1000)))
    },
  }
}
