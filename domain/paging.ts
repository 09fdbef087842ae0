// The one paged list (docs/api-conventions.md): one page of rows and the count of every row the
// same condition matches, as `{items, total}`, read in parallel.
import type { PendingQuery, Row } from 'postgres'
import type { Sql } from '../runtime/db.ts'

type Fragment = PendingQuery<Row[]>

export interface PageSpec {
  /** the select list */
  columns: Fragment
  /** the table or join, as in `from …` */
  from: Fragment
  /** `where …` (or nothing) */
  where?: Fragment
  orderBy: Fragment
  limit: number
  offset: number
}

export async function pagedList<T extends Row = Row>(sql: Sql, p: PageSpec) {
  const where = p.where ?? sql``
  const [items, [{ total }]] = await Promise.all([
    sql<T[]>`
      select ${p.columns}
      from ${p.from}
      ${where}
      order by ${p.orderBy}
      limit ${p.limit}
      offset ${p.offset}`,
    sql<{ total: number }[]>`select count(*)::int as total from ${p.from} ${where}`,
  ])
  return { items: [...items], total }
}
