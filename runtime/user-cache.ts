// The token check's user row, kept a few seconds per process (runtime/kept.ts) so a request does
// not read `users` every time. Any change that can end a session or change what it may do
// (logout, revocation, password change, deactivation, role or department) drops the row at once
// here and, through the change bus (channel deltica_tokens, payload the user id), in every other
// server process on the same database.
import type { ChangeBus } from './bus.ts'
import { kept } from './kept.ts'

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

const users = (bus: ChangeBus) => kept<CachedUser>(bus, TOKENS_CHANNEL, TTL_MS)

/** The user row of `id`: kept, or read by `load` (and kept while the bus listens). */
export function cachedUser(
  bus: ChangeBus,
  id: number,
  load: () => Promise<CachedUser | undefined>,
): Promise<CachedUser | undefined> {
  return users(bus).get(String(id), load)
}

/**
 * A user's sessions or rights changed (after the commit): dropped here at once, and in the other
 * processes when the bus delivers.
 */
export function userChanged(bus: ChangeBus, id: number): Promise<void> {
  return users(bus).changed(String(id))
}
