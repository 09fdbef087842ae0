// Values kept a few seconds per process so a request does not read them from the database every
// time (the signed-in user's row, the settings). A change drops the value at once here and,
// through the change bus (the cache's channel, payload the key; '' drops everything), in every
// other server process on the same database; after the bus (re)connects everything kept is
// dropped, since a message may have been missed. Nothing is kept until the bus listens, and
// nothing longer than the cache's time to live.
import type { ChangeBus } from './bus.ts'

export interface Kept<V> {
  /** The value of `key`: kept, or read by `load` (and kept while the bus listens). */
  get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined>
  /** The value changed (after the commit): dropped here, and elsewhere when the bus delivers. */
  changed(key?: string): Promise<void>
}

interface Store<V> {
  listening: boolean
  rows: Map<string, { value: V; until: number }>
}

const caches = new WeakMap<ChangeBus, Map<string, Kept<unknown>>>()

/** The cache of `channel` on this bus (one per process and bus). */
export function kept<V>(bus: ChangeBus, channel: string, ttlMs: number): Kept<V> {
  let byChannel = caches.get(bus)
  if (!byChannel) caches.set(bus, (byChannel = new Map()))
  const existing = byChannel.get(channel)
  if (existing) return existing as Kept<V>

  const store: Store<V> = { listening: false, rows: new Map() }
  bus
    .subscribe(
      channel,
      (payload) => (payload ? store.rows.delete(payload) : store.rows.clear()),
      () => {
        store.rows.clear()
        store.listening = true
      },
    )
    .catch(() => {
      store.listening = false
    })
  const cache: Kept<V> = {
    async get(key, load) {
      const now = Date.now()
      const hit = store.rows.get(key)
      if (hit && hit.until > now) return hit.value
      const value = await load()
      if (value !== undefined && store.listening) store.rows.set(key, { value, until: now + ttlMs })
      else store.rows.delete(key)
      return value
    },
    async changed(key = '') {
      if (key) store.rows.delete(key)
      else store.rows.clear()
      await bus.publish(channel, key)
    },
  }
  byChannel.set(channel, cache as Kept<unknown>)
  return cache
}
