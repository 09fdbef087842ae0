// Deep pages of the register in its default order (by id) without walking every row before them.
// The first id of each page served is kept per filter, scope, direction and data version; a page
// at or after a kept one starts from that id in the id index and skips only the rows between (a
// grid scrolled page by page, or a page asked again, reads about one page instead of offset +
// page). Kept per pool, for the register's data version and day (migrations/00013, totals.ts): the
// caller checks the version its statement saw and reads again without the start when it moved.
import type { Sql } from '../../runtime/db.ts'

/** where a page starts: the row `id` is at `offset - skip` */
export interface PageStart {
  id: number
  skip: number
  version: string
  today: string
}

interface Kept {
  version: string
  today: string
  /** page offset → the id of its first row */
  at: Map<number, number>
}

/** pages nearer the top than this are cheap to walk */
export const START_FROM_OFFSET = 500
const MAX_KEYS = 200
const MAX_PER_KEY = 1000

const kept = new WeakMap<Sql, Map<string, Kept>>()

/** The nearest kept start at or before `offset`, for `key`. */
export function pageStart(sql: Sql, key: string, offset: number): PageStart | undefined {
  const entry = kept.get(sql)?.get(key)
  if (!entry) return undefined
  let best = -1
  for (const at of entry.at.keys()) if (at <= offset && at > best) best = at
  if (best < 0) return undefined
  return {
    id: entry.at.get(best)!,
    skip: offset - best,
    version: entry.version,
    today: entry.today,
  }
}

/** Keeps the first id of the page at `offset`, read at this version and day. */
export function keepPageStart(
  sql: Sql,
  key: string,
  offset: number,
  firstId: number,
  moment: { version: string; today: string },
): void {
  let byKey = kept.get(sql)
  if (!byKey) kept.set(sql, (byKey = new Map()))
  let entry = byKey.get(key)
  if (!entry || entry.version !== moment.version || entry.today !== moment.today) {
    byKey.delete(key)
    if (byKey.size >= MAX_KEYS) byKey.delete(byKey.keys().next().value!)
    entry = { version: moment.version, today: moment.today, at: new Map() }
    byKey.set(key, entry)
  }
  if (entry.at.size >= MAX_PER_KEY) entry.at.delete(entry.at.keys().next().value!)
  entry.at.set(offset, firstId)
}
