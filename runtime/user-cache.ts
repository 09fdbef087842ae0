// The token check's user row, kept a few seconds per process so a request does not read `users`
// every time. Any change that can end a session or change what it may do (logout, revocation,
// password change, deactivation, role or department) drops the row at once here and, through the
// change bus (channel deltica_tokens, payload the user id), in every other server process on the
// same database; after the bus (re)connects everything kept is dropped, since a message may have
// been missed. Nothing is kept until the bus listens, and nothing longer than TTL_MS.
import type { ChangeBus } from './bus.ts'

export const TOKENS_CHANNEL = 'deltica_tokens'
const TTL_MS = 5_000

export interface CachedUser {
  id: number
  username: string
  full_name: string
  department: string | null
  role: 'admin' | 'laborant'
  token_version: number
  active: boolean
}

interface UserCache {
  listening: boolean
  rows: Map<number, { row: CachedUser; until: number }>
}

const caches = new WeakMap<ChangeBus, UserCache>()

function cacheOf(bus: ChangeBus): UserCache {
  let cache = caches.get(bus)
  if (!cache) {
    const created: UserCache = { listening: false, rows: new Map() }
    caches.set(bus, (cache = created))
    bus
      .subscribe(
        TOKENS_CHANNEL,
        (payload) => created.rows.delete(Number(payload)),
        () => {
          created.rows.clear()
          created.listening = true
        },
      )
      .catch(() => {
        created.listening = false
      })
  }
  return cache
}

/** The user row of `id`: kept, or read by `load` (and kept while the bus listens). */
export async function cachedUser(
  bus: ChangeBus,
  id: number,
  load: () => Promise<CachedUser | undefined>,
): Promise<CachedUser | undefined> {
  const cache = cacheOf(bus)
  const now = Date.now()
  const kept = cache.rows.get(id)
  if (kept && kept.until > now) return kept.row
  const row = await load()
  if (row && cache.listening) cache.rows.set(id, { row, until: now + TTL_MS })
  else cache.rows.delete(id)
  return row
}

/**
 * A user's sessions or rights changed (after the commit): dropped here at once, and in the other
 * processes when the bus delivers.
 */
export async function userChanged(bus: ChangeBus, id: number): Promise<void> {
  caches.get(bus)?.rows.delete(id)
  await bus.publish(TOKENS_CHANNEL, String(id))
}
