// One hub per server process: it learns that events were written (a NOTIFY on 'deltica_changes'
// from any replica; on the embedded engine, whose socket carries no notifications, a poll every
// POLL_MS), reads the new rows ONCE per wake for all its streams and hands each stream what its
// user may see. Every heartbeat (and every wake, and any message on 'deltica_tokens') it checks the
// users' token versions in one query: a revoked session's stream is closed.
import type { ChangeBus } from '../../runtime/bus.ts'
import type { Sql } from '../../runtime/db.ts'
import type { User } from '../../runtime/endpoint.ts'
import { BATCH, eventBounds, eventFor, readEvents, type ChangeEventRow } from './events.ts'

const CHANGES_CHANNEL = 'deltica_changes'
const TOKENS_CHANNEL = 'deltica_tokens'

export interface LiveTimings {
  /** the embedded engine's poll */
  pollMs: number
  /** a comment line on every stream, and the token check */
  heartbeatMs: number
}

export const liveTimings: LiveTimings = { pollMs: 500, heartbeatMs: 20_000 }

/** The hub's side of one open stream. */
export interface Subscriber {
  user: User
  /** the session's token expires then (ms since the epoch): the stream ends with it */
  expiresAt: number | null
  /** writes SSE text; false when the client does not keep up (the stream is then closed) */
  write(text: string): boolean
  close(reason: string): void
}

type Frame = { event: string; id?: number; data: unknown }

const frame = (f: Frame): string =>
  `${f.id !== undefined ? `id: ${f.id}\n` : ''}event: ${f.event}\ndata: ${JSON.stringify(f.data)}\n\n`

export class LiveHub {
  private readonly sql: Sql
  private readonly bus: ChangeBus
  private readonly subscribers = new Set<Subscriber>()
  private last = 0
  private started: Promise<void> | null = null
  private queue: Promise<unknown> = Promise.resolve()
  private waking = false
  private timers: NodeJS.Timeout[] = []

  constructor(sql: Sql, bus: ChangeBus) {
    this.sql = sql
    this.bus = bus
  }

  get size(): number {
    return this.subscribers.size
  }

  private start(): Promise<void> {
    this.started ??= (async () => {
      this.last = (await eventBounds(this.sql)).last
      if (this.bus.kind === 'postgres') {
        // a reconnect may have missed notifications: read what came meanwhile
        await this.bus.subscribe(
          CHANGES_CHANNEL,
          () => this.wake(),
          () => this.wake(),
        )
      } else {
        this.timers.push(setInterval(() => this.wake(), liveTimings.pollMs))
      }
      await this.bus.subscribe(TOKENS_CHANNEL, () => void this.serial(() => this.checkTokens()))
      this.timers.push(setInterval(() => this.heartbeat(), liveTimings.heartbeatMs))
      for (const t of this.timers) t.unref()
    })()
    return this.started
  }

  /** Runs `task` after every earlier one: reads and joins never interleave. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task)
    this.queue = run.catch(() => {})
    return run
  }

  /** One read for all streams per wake; wakes that come during a read fold into one more. */
  private wake(): void {
    if (this.waking || this.subscribers.size === 0) return
    this.waking = true
    void this.serial(async () => {
      this.waking = false
      try {
        await this.readNew()
      } catch {
        // the database is away: the next wake (or reconnect) reads what is waiting
      }
    })
  }

  private async readNew(): Promise<void> {
    for (;;) {
      const rows = await readEvents(this.sql, this.last)
      if (rows.length === 0) return
      this.last = rows[rows.length - 1].id
      await this.checkTokens()
      this.deliver(rows, [...this.subscribers])
      if (rows.length < BATCH) return
    }
  }

  private deliver(rows: ChangeEventRow[], to: Subscriber[]): void {
    // one JSON text per department view, not per stream
    const texts = new Map<string, string>()
    for (const row of rows) {
      texts.clear()
      for (const s of to) {
        const view = s.user.role === 'admin' ? '*' : `d:${s.user.department}`
        let text = texts.get(view)
        if (text === undefined) {
          const event = eventFor(s.user, row)
          text = event ? frame({ event: 'change', id: event.id, data: event }) : ''
          texts.set(view, text)
        }
        if (text && !s.write(text)) this.drop(s, 'slow client')
      }
    }
  }

  private drop(s: Subscriber, reason: string): void {
    if (this.subscribers.delete(s)) s.close(reason)
  }

  private async checkTokens(): Promise<void> {
    if (this.subscribers.size === 0) return
    const ids = [...new Set([...this.subscribers].map((s) => s.user.id))]
    const rows = await this.sql<
      {
        id: number
        token_version: number
        active: boolean
        role: User['role']
        department: string | null
      }[]
    >`select id::int, token_version, active, role, department from users where id = any(${ids}::bigint[])`
    const byId = new Map(rows.map((r) => [r.id, r]))
    for (const s of [...this.subscribers]) {
      const now = byId.get(s.user.id)
      if (s.expiresAt !== null && Date.now() >= s.expiresAt) {
        this.drop(s, 'session expired')
      } else if (!now || !now.active || now.token_version !== s.user.token_version) {
        this.drop(s, 'session revoked')
      } else {
        s.user.role = now.role
        s.user.department = now.department
      }
    }
  }

  private heartbeat(): void {
    void this.serial(async () => {
      try {
        await this.checkTokens()
      } catch {
        // checked again at the next beat
      }
      for (const s of [...this.subscribers])
        if (!s.write(': heartbeat\n\n')) this.drop(s, 'slow client')
    })
  }

  /**
   * Adds a stream. With `lastEventId` it first gets every event after it that its user may see;
   * an id the rows no longer cover (purged, or from another database) gets a `reset`.
   */
  async join(s: Subscriber, lastEventId: number | null): Promise<void> {
    await this.start()
    await this.serial(async () => {
      // up to date first (no wake reads while nobody listens): the stream starts from now
      await this.readNew()
      let from = this.last
      if (lastEventId !== null) {
        const bounds = await eventBounds(this.sql)
        const gap = lastEventId < bounds.purged || lastEventId > Math.max(bounds.last, this.last)
        const backlog = gap ? [] : await readEvents(this.sql, lastEventId, BATCH + 1)
        const covered = backlog.filter((r) => r.id <= this.last)
        if (gap || backlog.length > BATCH) {
          s.write(frame({ event: 'reset', id: this.last, data: { last_id: this.last } }))
        } else {
          this.deliver(covered, [s])
          from = this.last
        }
      }
      s.write(frame({ event: 'ready', id: from, data: { last_id: from } }))
      this.subscribers.add(s)
    })
  }

  leave(s: Subscriber): void {
    this.subscribers.delete(s)
  }

  /** Ends every stream (the server shutting down). */
  closeAll(reason = 'server stopping'): void {
    for (const s of [...this.subscribers]) this.drop(s, reason)
  }
}

const hubs = new WeakMap<ChangeBus, LiveHub>()

/** The process's hub for this app (one bus per app). */
export function hubFor(sql: Sql, bus: ChangeBus): LiveHub {
  let hub = hubs.get(bus)
  if (!hub) {
    hub = new LiveHub(sql, bus)
    hubs.set(bus, hub)
  }
  return hub
}
