// The shared rate limiter: two limiters on one database stand for two server replicas — a
// client's hits through either count against one window; keys are separate; the window slides.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabase, type TestDatabase } from '../test/db.ts'
import { HttpError } from './errors.ts'
import { sharedRateLimiter } from './rate-limit.ts'

let db: TestDatabase
beforeAll(async () => {
  db = await testDatabase()
})
afterAll(() => db.close())

/** 'ok', or the 429's Retry-After in seconds */
const attempt = (hit: Promise<void>) =>
  hit.then(
    () => 'ok' as const,
    (e) => {
      if (e instanceof HttpError && e.status === 429) return Number(e.headers?.['retry-after'])
      throw e
    },
  )

describe('the shared rate limiter', () => {
  it('hits through two replicas count against one window; 429 names the wait', async () => {
    const a = sharedRateLimiter(db.sql)
    const b = sharedRateLimiter(db.sql)
    const answers = []
    for (const limiter of [a, b, a, b, a])
      answers.push(await attempt(limiter.hit('login:x', 3, 60_000)))
    expect(answers.slice(0, 3)).toEqual(['ok', 'ok', 'ok'])
    expect(answers[3]).toBeGreaterThan(0)
    expect(answers[3]).toBeLessThanOrEqual(60)
    expect(answers[4]).toBeGreaterThan(0)
    // another key has its own window
    expect(await attempt(b.hit('login:y', 3, 60_000))).toBe('ok')
  })

  it('parallel hits on two replicas never pass more than the limit', async () => {
    const limiters = [sharedRateLimiter(db.sql), sharedRateLimiter(db.sql)]
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => attempt(limiters[i % 2].hit('login:race', 5, 60_000))),
    )
    expect(answers.filter((a) => a === 'ok')).toHaveLength(5)
  })

  it('the window slides: hits older than it no longer count', async () => {
    const limiter = sharedRateLimiter(db.sql)
    for (let i = 0; i < 2; i++) await limiter.hit('documents:7', 2, 60_000)
    expect(await attempt(limiter.hit('documents:7', 2, 60_000))).not.toBe('ok')
    // the first hit a minute and a second in the past: one slot free again
    await db.sql`update rate_limit_hits set at = at - interval '61 seconds'
                 where key = 'documents:7' and at = (select min(at) from rate_limit_hits where key = 'documents:7')`
    expect(await attempt(limiter.hit('documents:7', 2, 60_000))).toBe('ok')
    expect(await attempt(limiter.hit('documents:7', 2, 60_000))).not.toBe('ok')
  })
})
