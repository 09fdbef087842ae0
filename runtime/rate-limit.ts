// A per-process sliding-window rate limiter (login attempts per IP). With several replicas each
// keeps its own window — the stricter per-account lockout lives in the database.
import { tooManyRequests } from './errors.ts'

export class SlidingWindowLimiter {
  private hits = new Map<string, number[]>()
  private calls = 0

  private readonly now: () => number

  constructor(now = () => Date.now()) {
    this.now = now
  }

  /** Records a hit for `key`; throws 429 (with Retry-After) when over `limit` in `windowMs`. */
  hit(key: string, limit: number, windowMs: number): void {
    const now = this.now()
    const since = now - windowMs
    const recent = (this.hits.get(key) ?? []).filter((t) => t > since)
    if (recent.length >= limit) {
      this.hits.set(key, recent)
      throw tooManyRequests(Math.max(1, Math.ceil((recent[0] + windowMs - now) / 1000)))
    }
    recent.push(now)
    this.hits.set(key, recent)
    if (++this.calls % 1000 === 0) this.sweep(since)
  }

  private sweep(since: number): void {
    for (const [key, times] of this.hits) {
      if (times[times.length - 1] <= since) this.hits.delete(key)
    }
  }
}
