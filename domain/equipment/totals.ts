// Totals without recounting: the count of a filter is kept per database (pool) and reused while
// the register's data version (migrations/00013: one row bumped by every statement that writes the
// register, in the writing transaction) and today's date are the same. The version and the count
// are read in one statement — one snapshot — so a kept total is exactly the count of that
// version; a write in any server process on the same database moves the version and the next
// request counts again. Today is part of the key: the status filters depend on it.
import type { PendingQuery, Row } from 'postgres'
import type { Sql } from '../../runtime/db.ts'

type Fragment = PendingQuery<Row[]>

/** the totals kept per pool: filter key → the version and day it was counted at */
const kept = new WeakMap<Sql, Map<string, { version: string; today: string; total: number }>>()
const MAX_KEPT = 500
/** counts under way per pool: requests for the same filter and version wait for the one count */
const underWay = new WeakMap<Sql, Map<string, Promise<number>>>()

export interface RegisterMoment {
  version: string
  today: string
}

/**
 * The total of `where()` over `rows` (`equipment_active e`, or the archive's rows; `where` is
 * built only when it is counted), counted only when this filter (`key`) has no total kept for the
 * current version and day. `now` is the version and day the caller already read in its own
 * statement (else they are read here).
 */
export async function cachedTotal(
  sql: Sql,
  key: string,
  where: () => Fragment,
  now: RegisterMoment | undefined,
  rows: Fragment,
): Promise<number> {
  let totals = kept.get(sql)
  if (!totals) kept.set(sql, (totals = new Map()))
  const moment = now ?? (await registerMoment(sql))
  const hit = totals.get(key)
  if (hit && hit.version === moment.version && hit.today === moment.today) return hit.total
  let counting = underWay.get(sql)
  if (!counting) underWay.set(sql, (counting = new Map()))
  const once = `${moment.version}|${moment.today}|${key}`
  let count = counting.get(once)
  if (!count) {
    count = (async () => {
      const [row] = await sql<{ version: string; today: string; total: number }[]>`
        select (select version::text from register_version) as version,
               current_date::text as today,
               count(*)::int as total
        from ${rows}
        where ${where()}`
      totals.delete(key)
      if (totals.size >= MAX_KEPT) totals.delete(totals.keys().next().value!)
      totals.set(key, row)
      return row.total
    })().finally(() => counting.delete(once))
    counting.set(once, count)
  }
  return count
}

async function registerMoment(sql: Sql): Promise<RegisterMoment> {
  const [row] = await sql<RegisterMoment[]>`
    select version::text as version, current_date::text as today from register_version`
  return row
}
