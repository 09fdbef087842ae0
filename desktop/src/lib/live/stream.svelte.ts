// The one live connection of a signed-in session: GET /api/events read with fetch() and a stream
// reader (the token in the Authorization header), reconnected with growing pauses and
// Last-Event-ID so nothing is missed. Listeners get every `change` and `reset`; `status` drives
// the small indicator in the header. A 401 ends the session through the Api's onUnauthorized.
import type { Api } from '../api.ts'
import { SseParser } from './sse.ts'

export interface LiveEvent {
  id: number
  kind: 'created' | 'updated' | 'cycle' | 'archived' | 'restored' | 'deleted' | 'added' | 'removed'
  equipment_id: number
  version: number | null
  department: string | null
  user_id: number | null
  user_name: string | null
  at: string
}

export type LiveMessage = { type: 'change'; event: LiveEvent } | { type: 'reset' }
export type LiveStatus = 'off' | 'connecting' | 'live' | 'retrying'

export const LIVE_RETRY_MS = [1000, 2000, 4000, 8000, 15_000]
/** nothing at all (the server beats every 20 s) for this long: the link is dead, reconnect */
const SILENCE_MS = 45_000

export class LiveStream {
  status = $state<LiveStatus>('off')
  private api: Api | null = null
  private lastId: string | null = null
  private controller: AbortController | null = null
  private timer: ReturnType<typeof setTimeout> | undefined
  private attempt = 0
  private listeners = new Set<(m: LiveMessage) => void>()

  /** runs `fn` for every message; returns the unsubscribe */
  on(fn: (m: LiveMessage) => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  start(api: Api): () => void {
    this.stop()
    this.api = api
    this.lastId = null
    this.attempt = 0
    void this.connect()
    return () => this.stop()
  }

  stop() {
    this.api = null
    clearTimeout(this.timer)
    this.controller?.abort()
    this.controller = null
    this.status = 'off'
  }

  private emit(m: LiveMessage) {
    for (const fn of this.listeners) fn(m)
  }

  private async connect() {
    const api = this.api
    if (!api?.token) return
    const controller = new AbortController()
    this.controller = controller
    this.status = this.attempt ? 'retrying' : 'connecting'
    let silence: ReturnType<typeof setTimeout> | undefined
    const alive = () => {
      clearTimeout(silence)
      silence = setTimeout(() => controller.abort(), SILENCE_MS)
    }
    try {
      const headers: Record<string, string> = {
        accept: 'text/event-stream',
        authorization: `Bearer ${api.token}`,
      }
      if (this.lastId) headers['last-event-id'] = this.lastId
      alive()
      // not through Api.raw: a stream that fails is retried here, it does not make the client
      // offline (the requests of the screens and the probe say whether the server is there)
      const response = await fetch(`${api.baseUrl}/api/events`, {
        headers,
        signal: controller.signal,
      })
      if (response.status === 401) {
        // the session is over: the Api signs out as on any request
        this.stop()
        api.onUnauthorized?.()
        return
      }
      if (!response.ok || !response.body) throw new Error(`events: ${response.status}`)
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
      const parser = new SseParser()
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        alive()
        for (const frame of parser.push(value)) {
          if (frame.id !== null) this.lastId = frame.id
          if (frame.event === 'ready') {
            this.status = 'live'
            this.attempt = 0
          } else if (frame.event === 'reset') this.emit({ type: 'reset' })
          else if (frame.event === 'change')
            this.emit({ type: 'change', event: JSON.parse(frame.data) as LiveEvent })
        }
      }
    } catch {
      // cut, refused or timed out: retried below
    } finally {
      clearTimeout(silence)
    }
    if (this.api !== api || this.controller !== controller) return
    const delay = LIVE_RETRY_MS[Math.min(this.attempt, LIVE_RETRY_MS.length - 1)]
    this.attempt++
    this.status = 'retrying'
    this.timer = setTimeout(() => void this.connect(), delay)
  }
}

/** The session's live connection (started by the signed-in frame, Shell.svelte). */
export const live = new LiveStream()

/** «10:42», ru-RU */
export const timeOf = (at: string) =>
  new Date(at).toLocaleTimeString('ru-RU', { hour: '2-digit', minute: '2-digit' })

/** who made a change: the name, or «другой пользователь» for a write without one (the CLI) */
export const whoOf = (e: Pick<LiveEvent, 'user_name'>) => e.user_name ?? 'другой пользователь'
