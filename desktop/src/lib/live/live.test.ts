import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Api } from '../api.ts'
import type { Register } from '../../state/register.svelte.ts'
import { followRegister, LIVE_DEBOUNCE_MS } from './register-sync.ts'
import { SseParser } from './sse.ts'
import { LiveStream, type LiveMessage } from './stream.svelte.ts'

const change = (id: number, over: Record<string, unknown> = {}) =>
  `id: ${id}\nevent: change\ndata: ${JSON.stringify({ id, kind: 'updated', equipment_id: 7, version: id, department: 'gtl', user_id: 1, user_name: 'Иванов', at: '2026-12-03T07:42:00Z', ...over })}\n\n`

describe('SseParser', () => {
  it('joins frames split across chunks, skips heartbeats, keeps the id', () => {
    const p = new SseParser()
    const text = `: heartbeat\n\nid: 5\nevent: ready\ndata: {"last_id":5}\n\n${change(6)}`
    const frames = [
      ...p.push(text.slice(0, 17)),
      ...p.push(text.slice(17, 60)),
      ...p.push(text.slice(60)),
    ]
    expect(frames.map((f) => [f.event, f.id])).toEqual([
      ['ready', '5'],
      ['change', '6'],
    ])
    expect(JSON.parse(frames[1].data).user_name).toBe('Иванов')
  })
})

describe('LiveStream', () => {
  afterEach(() => vi.unstubAllGlobals())

  const body = (text: string) =>
    new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode(text))
        c.close()
      },
    })

  it('reconnects after the stream ends, sending Last-Event-ID; a 401 ends the session', async () => {
    const sent: Array<string | null> = []
    let call = 0
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      sent.push((init.headers as Record<string, string>)['last-event-id'] ?? null)
      call++
      if (call === 1) return new Response(body(`id: 3\nevent: ready\ndata: {}\n\n${change(4)}`))
      return new Response('{}', { status: 401 })
    })
    const api = { baseUrl: 'http://x', token: 't', onUnauthorized: vi.fn() } as unknown as Api
    const live = new LiveStream()
    const got: LiveMessage[] = []
    live.on((m) => got.push(m))
    vi.useFakeTimers()
    live.start(api)
    await vi.advanceTimersByTimeAsync(1500)
    vi.useRealTimers()
    expect(got).toMatchObject([{ type: 'change', event: { id: 4, equipment_id: 7 } }])
    expect(sent).toEqual([null, '4'])
    expect(api.onUnauthorized).toHaveBeenCalled()
    expect(live.status).toBe('off')
  })
})

describe('followRegister', () => {
  it('replaces a loaded older row in place; a new or gone row reloads once; counters refresh', async () => {
    const row = { id: 7, version: 2, __i: 0 }
    const register = {
      byId: (id: number) => (id === 7 ? row : undefined),
      applyRow: vi.fn(),
      reload: vi.fn(),
    } as unknown as Register
    const api = { get: vi.fn(async () => ({ id: 7, version: 3 })) } as unknown as Api
    const counters = vi.fn()
    vi.useFakeTimers()
    const follow = followRegister(api, register, counters)
    const event = (over: Record<string, unknown>) =>
      ({ type: 'change', event: JSON.parse(change(3, over).split('data: ')[1]) }) as LiveMessage
    follow(event({ version: 2 })) // already shown
    follow(event({ version: 3 }))
    follow(event({ kind: 'created', equipment_id: 8 }))
    follow(event({ kind: 'deleted', equipment_id: 9 }))
    await vi.advanceTimersByTimeAsync(LIVE_DEBOUNCE_MS + 10)
    vi.useRealTimers()
    expect(api.get).toHaveBeenCalledTimes(1)
    expect(register.applyRow).toHaveBeenCalledWith({ id: 7, version: 3 })
    expect(register.reload).toHaveBeenCalledTimes(1)
    expect(counters).toHaveBeenCalledTimes(1)
  })

  it('leaves a row with an open cell editor alone, says who changed it, applies after the editor', async () => {
    const row = { id: 7, version: 2, __i: 0 }
    const register = { byId: () => row, applyRow: vi.fn(), reload: vi.fn() } as unknown as Register
    const api = { get: vi.fn(async () => ({ id: 7, version: 3 })) } as unknown as Api
    let open: number | undefined = 7
    const told = vi.fn()
    vi.useFakeTimers()
    const follow = followRegister(api, register, () => {}, {
      editingId: () => open,
      onEditedElsewhere: told,
    })
    follow({ type: 'change', event: JSON.parse(change(3).split('data: ')[1]) })
    await vi.advanceTimersByTimeAsync(1000)
    expect(told).toHaveBeenCalledWith(expect.objectContaining({ user_name: 'Иванов' }))
    expect(api.get).not.toHaveBeenCalled()
    open = undefined
    await vi.advanceTimersByTimeAsync(300)
    vi.useRealTimers()
    expect(register.applyRow).toHaveBeenCalledWith({ id: 7, version: 3 })
  })
})
