// The change bus: one process tells every other one (replicas on the same PostgreSQL) that
// something changed — a user's tokens revoked, a register row written. On a real PostgreSQL it is
// LISTEN/NOTIFY on one dedicated connection (postgres.js reconnects and listens again after a
// database restart; `onConnect` runs after every (re)connect so a subscriber can catch up on what
// it may have missed). The embedded engine serves one process only and its socket does not carry
// notifications, so there the bus is in-process.
//
// Messages are small strings (ids, not data; PostgreSQL caps a payload at 8000 bytes). Publish
// after the transaction that made the change has committed.
import { EventEmitter } from 'node:events'
import type { Sql } from './db.ts'

type BusListener = (payload: string) => void

export interface ChangeBus {
  readonly kind: 'postgres' | 'in-process'
  publish(channel: string, payload: string): Promise<void>
  /**
   * Calls `listener` for every message on `channel`, from this process and the others.
   * `onConnect` runs once listening has started and again after each reconnect.
   * Resolves once listening; the returned function stops it.
   */
  subscribe(
    channel: string,
    listener: BusListener,
    onConnect?: () => void,
  ): Promise<() => Promise<void>>
}

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/

function checkChannel(channel: string): void {
  if (!CHANNEL.test(channel)) throw new Error(`bus: bad channel name ${channel}`)
}

interface Subscriber {
  listener: BusListener
  onConnect?: () => void
}

/**
 * LISTEN/NOTIFY on a real PostgreSQL. One LISTEN per channel, shared by this process's
 * subscribers (postgres.js re-listens after a reconnect with new listener objects, so its own
 * unlisten no longer finds them: the subscribers are kept here, and a channel nobody follows any
 * more just stays listened to, at no cost).
 */
export function postgresBus(sql: Sql): ChangeBus {
  const channels = new Map<string, { subscribers: Set<Subscriber>; ready: Promise<unknown> }>()
  return {
    kind: 'postgres',
    async publish(channel, payload) {
      checkChannel(channel)
      await sql.notify(channel, payload)
    },
    async subscribe(channel, listener, onConnect) {
      checkChannel(channel)
      const subscriber: Subscriber = { listener, onConnect }
      let entry = channels.get(channel)
      if (entry) {
        entry.subscribers.add(subscriber)
        await entry.ready
        onConnect?.()
      } else {
        const subscribers = new Set([subscriber])
        const ready = sql.listen(
          channel,
          (payload) => subscribers.forEach((s) => s.listener(payload)),
          () => subscribers.forEach((s) => s.onConnect?.()),
        )
        entry = { subscribers, ready }
        channels.set(channel, entry)
        try {
          await ready
        } catch (error) {
          channels.delete(channel)
          throw error
        }
      }
      const { subscribers } = entry
      return async () => {
        subscribers.delete(subscriber)
      }
    },
  }
}

/** One process: the embedded engine, the tests that need no database. */
export function inProcessBus(): ChangeBus {
  const emitter = new EventEmitter()
  emitter.setMaxListeners(0)
  return {
    kind: 'in-process',
    async publish(channel, payload) {
      checkChannel(channel)
      // delivered on the next turn, as a notification would be: never inside the caller's stack
      setImmediate(() => emitter.emit(channel, payload))
    },
    async subscribe(channel, listener, onConnect) {
      checkChannel(channel)
      const handler = (payload: string) => listener(payload)
      emitter.on(channel, handler)
      onConnect?.()
      return async () => {
        emitter.off(channel, handler)
      }
    },
  }
}

export const openBus = (db: { kind: 'postgres' | 'embedded'; sql: Sql }): ChangeBus =>
  db.kind === 'postgres' ? postgresBus(db.sql) : inProcessBus()
