import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fakeApi } from './fake-api.ts'
import { Connection } from './connection.svelte.ts'

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('Connection', () => {
  it('goes offline on a failed request, retries by itself with growing pauses, restores', async () => {
    let up = false
    const probes: number[] = []
    const { api } = fakeApi((method, url) => {
      if (url.pathname !== '/api/health') return undefined
      probes.push(Date.now())
      if (!up) throw new TypeError('Failed to fetch')
      return { body: { status: 'ok' } }
    })
    const c = new Connection(() => api.get('/api/health'), [100, 200, 400])
    api.onReachable = (ok) => c.report(ok)
    let restored = 0
    c.onRestore(() => restored++)

    c.report(false)
    expect(c.online).toBe(false)
    const start = Date.now()
    await vi.advanceTimersByTimeAsync(100 + 200 + 400 + 400)
    expect(probes.map((t) => t - start)).toEqual([100, 300, 700, 1100])
    expect(c.online).toBe(false)
    up = true
    await vi.advanceTimersByTimeAsync(400)
    expect(c.online).toBe(true)
    expect(restored).toBe(1)
    // online: no more probes
    await vi.advanceTimersByTimeAsync(5000)
    expect(probes).toHaveLength(5)
  })

  it('any answered request brings it back; «Повторить сейчас» probes at once', async () => {
    const c = new Connection(() => Promise.reject(new Error('down')), [10_000])
    let restored = 0
    c.onRestore(() => restored++)
    c.report(false)
    c.report(false)
    await c.retryNow()
    expect(c.online).toBe(false)
    c.report(true)
    c.report(true)
    expect([c.online, restored]).toEqual([true, 1])
  })

  it('an idle client notices the outage through the heartbeat', async () => {
    let up = true
    const { api } = fakeApi((method, url) => {
      if (!up) throw new TypeError('Failed to fetch')
      return url.pathname === '/api/health' ? { body: { status: 'ok' } } : undefined
    })
    const c = new Connection(() => api.get('/api/health'), [1000])
    api.onReachable = (ok) => c.report(ok)
    c.watch(30_000)
    await vi.advanceTimersByTimeAsync(30_000)
    expect(c.online).toBe(true)
    up = false
    await vi.advanceTimersByTimeAsync(30_000)
    expect(c.online).toBe(false)
    up = true
    await vi.advanceTimersByTimeAsync(1000)
    expect(c.online).toBe(true)
    c.stop()
  })
})
