// What the statistics count with: the code lists of the fixed enums, a tally that holds every
// code (0 when absent), the due windows, and the verification events (the current cycle of each
// instrument plus its history rows).
import type { Sql } from '../../runtime/db.ts'
import { STATES, STATUSES, VERIFICATION_TYPES } from '../shared/labels.ts'

/** "due in N days": instruments in work whose due date is today … today + N (60 includes 30). */
export const DUE_WINDOWS = [30, 60, 90] as const

export const statusKeys = Object.keys(STATUSES) as (keyof typeof STATUSES)[]
export const stateKeys = Object.keys(STATES) as (keyof typeof STATES)[]
export const typeKeys = Object.keys(VERIFICATION_TYPES) as (keyof typeof VERIFICATION_TYPES)[]

/** Counts of `rows` ({key, n}) into an object holding every key (0 when absent). */
export function tally<K extends string>(keys: readonly K[], rows: { key: string; n: number }[]) {
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>
  for (const r of rows) if (r.key in out) out[r.key as K] = r.n
  return out
}

/** Every verification event: the current cycle of each instrument plus its history. */
export const events = (sql: Sql) => sql`
  (
    select equipment_id, verification_type, verification_result, verification_date
    from verification
    union all
    select equipment_id, verification_type, verification_result, verification_date
    from verification_history
  )`
