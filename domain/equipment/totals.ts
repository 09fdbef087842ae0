// Figures without recounting: a count of a filter (or the header summary) is kept per database
// (pool) and reused while the register's data version (migrations/00013: one row bumped by every
// statement that writes the register, in the writing transaction) and today's date are the same.
// The version and the figure are read in one statement — one snapshot — so a kept figure is
// exactly the figure of that version; a write in any server process on the same database moves
// the version and the next request reads again. Today is part of the key: statuses depend on it.
import type { PendingQuery, Row } from 'postgres'
import type { Sql } from '../../runtime/db.ts'

type Fragment = PendingQuery<Row[]>

export interface RegisterMoment {
  version: string
  today: string
}

interface Entry {
  version: string
  today: string
  value: unknown
}

/** the figures kept per pool: key → the version and day they were read at */
const kept = new WeakMap<Sql, Map<string, Entry>>()
const MAX_KEPT = 500
/** reads under way per pool: requests for the same key and version wait for the one read */
const underWay = new WeakMap<Sql, Map<string, Promise<unknown>>>()

/** Columns a statement adds to read the version and today in its own snapshot. */
export const momentColumns = (sql: Sql) => sql`
  (select version::text from register_version) as register_version,
  current_date::text as register_today`

/**
 * The figure of `key`, kept for the register's current version and day, else read by `read` —
 * a statement whose row carries `momentColumns` and the figure (`value` takes it from the row).
 * `now` is the version and day the caller already read in its own statement (else read here).
 */
export async function keptForVersion<T>(
  sql: Sql,
  key: string,
  read: () => Promise<Row>,
  value: (row: Row) => T,
  now?: RegisterMoment,
): Promise<T> {
  let figures = kept.get(sql)
  if (!figures) kept.set(sql, (figures = new Map()))
  const moment = now ?? (await registerMoment(sql))
  const hit = figures.get(key)
  if (hit && hit.version === moment.version && hit.today === moment.today) return hit.value as T
  let reading = underWay.get(sql)
  if (!reading) underWay.set(sql, (reading = new Map()))
  const once = `${moment.version}|${moment.today}|${key}`
  let pending = reading.get(once) as Promise<T> | undefined
  if (!pending) {
    pending = (async () => {
      const row = await read()
      const entry = { version: row.register_version, today: row.register_today, value: value(row) }
      figures.delete(key)
      if (figures.size >= MAX_KEPT) figures.delete(figures.keys().next().value!)
      figures.set(key, entry)
      return entry.value as T
    })().finally(() => reading.delete(once))
    reading.set(once, pending)
  }
  return pending
}

/**
 * The total of `where()` over `rows` (`equipment_active e`, or the archive's rows; `where` is
 * built only when it is counted), counted only when this filter (`key`) has no total kept for the
 * current version and day.
 */
export function cachedTotal(
  sql: Sql,
  key: string,
  where: () => Fragment,
  now: RegisterMoment | undefined,
  rows: Fragment,
): Promise<number> {
  return keptForVersion(
    sql,
    `total|${key}`,
    async () => {
      const [row] = await sql`
        select ${momentColumns(sql)}, count(*)::int as total
        from ${rows}
        where ${where()}`
      return row
    },
    (row) => row.total as number,
    now,
  )
}

/** The register's data version and today, read now. */
export async function registerMoment(sql: Sql): Promise<RegisterMoment> {
  const [row] = await sql<RegisterMoment[]>`
    select version::text as version, current_date::text as today from register_version`
  return row
}
