// The register's list query, shared by the main table, the Excel export and later readers
// (documents, statistics): the query-string schema, the WHERE (scope, filters, search), the
// whitelisted sort, and the one-round-trip page with its total.
import type { PendingQuery, Row } from 'postgres'
import { z } from 'zod'
import type { Sql } from '../../runtime/db.ts'
import type { User } from '../../runtime/endpoint.ts'
import { badRequest } from '../../runtime/errors.ts'
import { columnsFor, FINANCE_ONLY, ITEM_COLUMNS, PlanMonth } from './fields.ts'
import { filterOptions, type FilterParam } from '../shared/filters.ts'
import type { Status } from '../shared/labels.ts'
import { DateString, Paging, queryList, queryText } from '../schemas.ts'
import { departmentScope } from '../scope.ts'
import { likePattern, searchWords } from '../search.ts'
import { statusCondition } from './status.ts'
import { keepPageStart, pageStart, START_FROM_OFFSET, type PageStart } from './page-starts.ts'
import {
  cachedTotal,
  keptForVersion,
  momentColumns,
  registerMoment,
  type RegisterMoment,
} from './totals.ts'

type Fragment = PendingQuery<Row[]>

/** A filter's codes as the shared filter table (domain/shared/filters.ts) lists them. */
const enumList = (param: Exclude<FilterParam, 'department'>) => {
  const codes = Object.keys(filterOptions(param))
  return queryList(
    z.enum(codes as [string, ...string[]], {
      message: `Допустимые значения: ${codes.join(', ')}`,
    }),
  )
}

const single = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional())

/** The filter, search and sort parameters (the list, the export). */
export const FilterQuery = z.object({
  q: queryText(500),
  status: enumList('status'),
  state: enumList('state'),
  type: enumList('type'),
  verification_type: enumList('verification_type'),
  department: queryList(z.string().max(40, 'Неизвестное подразделение')),
  due_from: single(DateString),
  due_to: single(DateString),
  plan_from: single(PlanMonth),
  plan_to: single(PlanMonth),
  /** verified (current cycle or a cycle in the history) within these dates */
  verified_from: single(DateString),
  verified_to: single(DateString),
  sort: single(
    z.enum(ITEM_COLUMNS, { message: 'Сортировка возможна только по столбцу таблицы' }),
  ).default('id'),
  order: single(z.enum(['asc', 'desc'], { message: 'Порядок: asc или desc' })).default('asc'),
})
export type Filters = z.output<typeof FilterQuery>

export const ListQuery = FilterQuery.extend(Paging)
export type ListParams = z.output<typeof ListQuery>

/**
 * Which rows a list reads: the register (active instruments, the default) or the archive. The
 * archive's additions to the one list: the archive date (`from`/`to`, whole days of archived_at).
 */
export type ListOf = { archived: false } | { archived: true; from?: string; to?: string }

const REGISTER: ListOf = { archived: false }

/**
 * What the archived variant adds or replaces, and nothing else: its rows, its search fields (the
 * reason and the number it shows, besides the register's), its one order (the newest written off
 * first) and its columns (the archive table's, with who wrote it off; archived_at written as the
 * answer always carried it, `YYYY-MM-DDTHH:MM:SS.mmmZ`).
 */
const ARCHIVE = {
  rows: (sql: Sql) => sql`equipment_full e`,
  condition: (sql: Sql) => sql`e.archived_at is not null`,
  searchFields: (sql: Sql, pattern: string): Fragment[] => [
    sql`lower(e.archive_reason) like ${pattern}`,
    sql`e.id::text like ${pattern}`,
  ],
  order: (sql: Sql, alias: string) => sql`${sql(alias)}.archived_at desc, ${sql(alias)}.id desc`,
  pageRows: (sql: Sql) => sql`equipment_full e
    left join departments d on d.code = e.department
    left join users u on u.id = e.archived_by`,
  columns: (sql: Sql) => sql`e.id, e.equipment_name, e.equipment_model, e.equipment_type,
    e.factory_number, e.inventory_number, e.equipment_year, e.department,
    d.label as department_label, e.responsible_person, e.verification_type, e.verification_date,
    e.verification_due, e.verification_state,
    to_char(e.archived_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as archived_at,
    e.archive_reason, e.archived_by, coalesce(nullif(u.full_name, ''), u.username) as archived_by_name,
    e.version`,
}

/** The rows a list reads, as `e`. */
const rowsOf = (sql: Sql, list: ListOf) =>
  list.archived ? ARCHIVE.rows(sql) : sql`equipment_active e`

/** Codes whose Russian label contains the word (lower-cased). */
const labelMatches = (param: Exclude<FilterParam, 'department'>, word: string) => {
  const labels = filterOptions(param)
  return Object.keys(labels).filter((code) => labels[code].toLowerCase().includes(word))
}

/**
 * One search word: it matches the row's own text fields, or the Russian label of its type,
 * verification type, state, status or department. The text is stored lower-cased with the row and
 * trigram-indexed (migrations/00013), so a word of 3+ characters is found through the index;
 * a shorter word is the same LIKE on the same text, checked on the rows the other words found (or
 * by a scan of the one table when every word is short). Labels are matched here against the fixed
 * enums and turned into conditions on the codes (the status through statusCondition), departments'
 * labels are part of the text (kept by triggers on a rename); finance text only for admins.
 */
function searchWord(
  sql: Sql,
  user: User,
  word: string,
  expiringDays: number,
  list: ListOf,
): Fragment {
  const pattern = likePattern(word)
  const alternatives: Fragment[] = [sql`e.search_text like ${pattern}`]
  if (user.role === 'admin') {
    alternatives.push(sql`e.search_finance like ${pattern}`)
  }
  if (list.archived) alternatives.push(...ARCHIVE.searchFields(sql, pattern))
  const types = labelMatches('type', word)
  if (types.length) alternatives.push(sql`e.equipment_type in ${sql(types)}`)
  const kinds = labelMatches('verification_type', word)
  if (kinds.length) alternatives.push(sql`e.verification_type in ${sql(kinds)}`)
  const states = labelMatches('state', word)
  if (states.length) alternatives.push(sql`e.verification_state in ${sql(states)}`)
  const statuses = labelMatches('status', word) as Status[]
  if (statuses.length) alternatives.push(statusCondition(sql, statuses, expiringDays, 'e'))
  return sql`(${alternatives.reduce((acc, a) => sql`${acc} or ${a}`)})`
}

/**
 * WHERE over `equipment_active e` (or `equipment_full e`): scope, filters, search; for the
 * archive (`list`) over `equipment_full e`, its rows and its additions.
 */
export function filterCondition(
  sql: Sql,
  user: User,
  f: Filters,
  expiringDays: number,
  list: ListOf = REGISTER,
): Fragment {
  const parts: Fragment[] = [departmentScope(sql, user, 'e')]
  if (list.archived) {
    parts.unshift(ARCHIVE.condition(sql))
    if (list.from) parts.push(sql`e.archived_at >= ${list.from}::date`)
    if (list.to) parts.push(sql`e.archived_at < ${list.to}::date + 1`)
  }
  if (f.status?.length) parts.push(statusCondition(sql, f.status as Status[], expiringDays, 'e'))
  if (f.state?.length) parts.push(sql`e.verification_state in ${sql(f.state)}`)
  if (f.type?.length) parts.push(sql`e.equipment_type in ${sql(f.type)}`)
  if (f.verification_type?.length)
    parts.push(sql`e.verification_type in ${sql(f.verification_type)}`)
  if (f.department?.length) parts.push(sql`e.department in ${sql(f.department)}`)
  if (f.due_from) parts.push(sql`e.verification_due >= ${f.due_from}::date`)
  if (f.due_to) parts.push(sql`e.verification_due <= ${f.due_to}::date`)
  if (f.plan_from) parts.push(sql`e.verification_plan >= ${f.plan_from}::date`)
  if (f.plan_to) parts.push(sql`e.verification_plan <= ${f.plan_to}::date`)
  if (f.verified_from || f.verified_to) {
    const from = f.verified_from ?? '0001-01-01'
    const to = f.verified_to ?? '9999-12-31'
    parts.push(sql`(
      e.verification_date between ${from}::date and ${to}::date
      or exists (
        select 1
        from verification_history h
        where h.equipment_id = e.id
          and h.verification_date between ${from}::date and ${to}::date
      ))`)
  }
  for (const word of searchWords(f.q)) parts.push(searchWord(sql, user, word, expiringDays, list))
  return parts.reduce((acc, p) => sql`${acc} and ${p}`)
}

/** ORDER BY for a whitelisted column, stable by id; `alias` qualifies the columns. */
export function orderBy(sql: Sql, user: User, f: Filters, alias = 'e'): Fragment {
  if (user.role !== 'admin' && FINANCE_ONLY.has(f.sort)) {
    throw badRequest('Проверьте поля параметров', {
      fields: [{ field: 'sort', message: 'Сортировка возможна только по столбцу таблицы' }],
    })
  }
  const dir = f.order === 'desc' ? sql`desc` : sql`asc`
  const a = sql(alias)
  return f.sort === 'id' ? sql`${a}.id ${dir}` : sql`${a}.${sql(f.sort)} ${dir}, ${a}.id ${dir}`
}

/** The list's order: the register's whitelisted sort, or the archive's one order. */
const listOrder = (sql: Sql, user: User, f: Filters, list: ListOf, alias = 'e') =>
  list.archived ? ARCHIVE.order(sql, alias) : orderBy(sql, user, f, alias)

/** select lists already written, by role and alias: the same text for every page */
const selectLists = new Map<string, string>()
const ident = (name: string) => `"${name.replace(/"/g, '""')}"`

/** The columns the user may see, qualified by `alias`. */
export function selectColumns(sql: Sql, user: User, alias = 'e'): Fragment {
  const key = `${user.role}|${alias}`
  let text = selectLists.get(key)
  if (text === undefined) {
    // written once per role and alias: column names come from the field table, never from input
    text = columnsFor(user)
      .map((c) => `${ident(alias)}.${ident(c)}`)
      .join(', ')
    selectLists.set(key, text)
  }
  return sql.unsafe(text)
}

/** The filter fields that decide which rows match (not the order or the page). */
const FILTER_KEYS = Object.keys(FilterQuery.shape).filter((k) => k !== 'sort' && k !== 'order')

const withDefaults = (filters: Partial<Filters>) =>
  ({ sort: 'id', order: 'asc', ...filters }) as Filters

/** Which rows a filter selects for this user: the key of its kept total (and page starts). */
function filterKey(user: User, f: Filters, expiringDays: number, list: ListOf): string {
  const scope = user.role === 'admin' ? 'admin' : `dept:${user.department}`
  return JSON.stringify([
    scope,
    expiringDays,
    ...FILTER_KEYS.map((k) => f[k as keyof Filters] ?? null),
    // the register's keys stay as they were; the archive's carry its variant
    ...(list.archived ? ['archived', list.from ?? null, list.to ?? null] : []),
  ])
}

/**
 * How many instruments the list (the register, or the archive) shows this user for these filters:
 * counted once per filter, user scope and data version (totals.ts) — archiving, restoring and
 * purging write `equipment`, so they move the version as every register write does.
 */
export async function registerTotal(
  sql: Sql,
  user: User,
  filters: Partial<Filters>,
  expiringDays: number,
  now?: RegisterMoment,
  list: ListOf = REGISTER,
): Promise<number> {
  const f = withDefaults(filters)
  const key = filterKey(user, f, expiringDays, list)
  return cachedTotal(
    sql,
    key,
    () => filterCondition(sql, user, f, expiringDays, list),
    now,
    rowsOf(sql, list),
  )
}

/**
 * A validated integer written into the statement: a prepared statement's generic plan (chosen
 * after five runs) does not know a parameter's LIMIT and plans for a tenth of the register —
 * a hash join over every row instead of the page (2.8 s against 5 ms at 100,000).
 */
const literal = (sql: Sql, n: number) => sql.unsafe(String(Math.trunc(n)))

/**
 * How a page's ids are found when not by the sort column's index from the top: slices of one
 * status each (sort by status), a kept start in the id order (a deep page), or the ids a search
 * found.
 */
export interface PageWay {
  slices?: StatusSlice[]
  start?: PageStart
  found?: number[]
}

/**
 * The page's statement (listInstruments; plans.test.ts explains it): one row with the register's
 * data version, today and the page's rows as a JSON array in the sort order. The register's rows
 * are `equipment_active`; the archive's (`list`) are the archived rows of `equipment_full`, with
 * the archive's columns and order — the same statement otherwise.
 */
export function pageQuery(
  sql: Sql,
  user: User,
  p: ListParams,
  expiringDays: number,
  list: ListOf = REGISTER,
  way: PageWay = {},
): Fragment {
  const columns = list.archived ? ARCHIVE.columns(sql) : selectColumns(sql, user)
  const pageRows = list.archived ? ARCHIVE.pageRows(sql) : rowsOf(sql, list)
  return sql`
    select r.version::text as register_version, current_date::text as register_today,
      coalesce((
        select json_agg(p order by ${listOrder(sql, user, p, list, 'p')})
        from (
          select ${columns}
          from ${pageRows}
          where e.id in (${
            way.found
              ? sql`select unnest(${sql.array(way.found, 20)}::bigint[])`
              : pageIds(sql, user, p, expiringDays, list, way)
          })
        ) p
      ), '[]')::text as items
    from register_version r`
}

/**
 * The order of the statuses by their codes (as `order by status` sorts them): expired, expiring,
 * fit, repair, storage, verification.
 */
const STATUS_ORDER = (Object.keys(filterOptions('status')) as Status[]).sort()

/** A part of a status-sorted page: `limit` rows of one status from `offset`, in id order. */
export interface StatusSlice {
  status: Status
  offset: number
  limit: number
}

/**
 * Where a page sorted by status lies: the status depends on today and the expiring window, so no
 * index holds it; but the rows of one status are a condition on the indexed state and due date
 * (statusCondition, the same rule as the status filter), in id order. With the count of each
 * status (kept per filter and data version, like every total) the page is one or a few such
 * slices, each read from its index from its own offset.
 */
export async function statusSlices(
  sql: Sql,
  user: User,
  p: ListParams,
  expiringDays: number,
  now?: RegisterMoment,
): Promise<StatusSlice[]> {
  const order = p.order === 'desc' ? [...STATUS_ORDER].reverse() : STATUS_ORDER
  const wanted = order.filter((s) => !p.status?.length || p.status.includes(s))
  // the version and day read once for all the statuses' kept counts
  const moment = now ?? (await registerMoment(sql))
  const counts = await Promise.all(
    wanted.map((status) =>
      registerTotal(sql, user, { ...p, status: [status] }, expiringDays, moment),
    ),
  )
  const slices: StatusSlice[] = []
  let start = 0
  let from = p.offset
  let left = p.limit
  for (const [i, status] of wanted.entries()) {
    const end = start + counts[i]
    if (left > 0 && from < end) {
      const take = Math.min(left, end - from)
      slices.push({ status, offset: from - start, limit: take })
      from += take
      left -= take
    }
    start = end
  }
  return slices
}

/** The ids of the page in the list's order: the sort column's index, or the status slices. */
function pageIds(
  sql: Sql,
  user: User,
  p: ListParams,
  expiringDays: number,
  list: ListOf,
  { slices, start }: PageWay,
) {
  const where = filterCondition(sql, user, p, expiringDays, list)
  if (start) {
    // the id order from a kept page start (page-starts.ts)
    const desc = p.order === 'desc'
    return sql`
      select e.id
      from equipment_active e
      where ${where} and e.id ${desc ? sql`<=` : sql`>=`} ${literal(sql, start.id)}
      order by e.id ${desc ? sql`desc` : sql`asc`}
      limit ${literal(sql, p.limit)}
      offset ${literal(sql, start.skip)}`
  }
  if (!slices) {
    return sql`
      select e.id
      from ${rowsOf(sql, list)}
      where ${where}
      order by ${listOrder(sql, user, p, list)}
      limit ${literal(sql, p.limit)}
      offset ${literal(sql, p.offset)}`
  }
  if (!slices.length) return sql`select null::bigint as id where false`
  const dir = p.order === 'desc' ? sql`desc` : sql`asc`
  return slices
    .map(
      (s) => sql`(
        select e.id
        from equipment_active e
        where ${where} and ${statusCondition(sql, [s.status], expiringDays, 'e')}
        order by e.id ${dir}
        limit ${literal(sql, s.limit)}
        offset ${literal(sql, s.offset)})`,
    )
    .reduce((acc, q) => sql`${acc} union all ${q}`)
}

/**
 * One page of the register (or of the archive: `{ archived: true }`) and the total of the same
 * filter, as the answer's JSON text (`{"items": [...], "total": n}`). The page is one statement:
 * its ids walk the sort column's index (every grid column has one on the driving table,
 * migrations/00013) and stop at offset + limit — or come from the status slices, a kept page
 * start, or the ids a search found (PageWay) — then only those rows are read; the statement also
 * reads the register's data version and today. The rows leave PostgreSQL as JSON and are passed
 * on as they are: turning 100 rows of 30+ columns into objects and back into JSON was most of the
 * list's CPU in this process (dates stay 'YYYY-MM-DD' and numerics numbers, as the pool's parsers
 * give them). The total is counted once per filter and data version (totals.ts).
 */
export async function listInstruments(
  sql: Sql,
  user: User,
  params: Partial<Filters> & Pick<ListParams, 'limit' | 'offset'>,
  expiringDays: number,
  list: ListOf = REGISTER,
): Promise<string> {
  const p: ListParams = { ...withDefaults(params), limit: params.limit, offset: params.offset }
  if (!list.archived && searchWords(p.q).length) {
    const page = await searchPage(sql, user, p, expiringDays)
    if (page) return page
  }
  const slices =
    !list.archived && p.sort === 'status'
      ? await statusSlices(sql, user, p, expiringDays)
      : undefined
  // a deep page of the id order starts from a kept page start (page-starts.ts)
  const startKey =
    !list.archived && p.sort === 'id' && p.offset >= START_FROM_OFFSET
      ? `${filterKey(user, p, expiringDays, list)}|${p.order}`
      : undefined
  const start = startKey ? pageStart(sql, startKey, p.offset) : undefined
  let [row] = await pageQuery(sql, user, p, expiringDays, list, { slices, start })
  if (start && (row.register_version !== start.version || row.register_today !== start.today)) {
    // the register changed since that start was kept: read the page from the top
    ;[row] = await pageQuery(sql, user, p, expiringDays, list, { slices })
  }
  const now = { version: row.register_version, today: row.register_today }
  if (startKey) {
    // the id is the first column of every row (ITEM_COLUMNS)
    const first = /^\[\{"id":(\d+)/.exec(row.items)
    if (first) keepPageStart(sql, startKey, p.offset, Number(first[1]), now)
  }
  const total = await registerTotal(sql, user, p, expiringDays, now, list)
  return `{"items":${row.items},"total":${total}}`
}

/** searches finding more rows than this are not kept as ids (their pages match the text again) */
const MAX_FOUND = 20_000

/**
 * A page of what a search found, from the ids the search found in the list's order, kept per
 * filter, sort and data version (keptForVersion): scrolling through a search's results, or asking
 * for the same page again, reads the page by id instead of matching the text (and planning that
 * statement) again. Undefined when the search finds more than MAX_FOUND rows or the register moved
 * between the reads (the caller then reads the page the usual way).
 */
async function searchPage(
  sql: Sql,
  user: User,
  p: ListParams,
  expiringDays: number,
): Promise<string | undefined> {
  const moment = await registerMoment(sql)
  const total = await registerTotal(sql, user, p, expiringDays, moment)
  if (total > MAX_FOUND) return undefined
  const ids = await keptForVersion(
    sql,
    `found|${filterKey(user, p, expiringDays, REGISTER)}|${p.sort}|${p.order}`,
    async () => {
      const [row] = await sql`
        select ${momentColumns(sql)},
          coalesce((
            select array_agg(e.id order by ${orderBy(sql, user, p)})
            from equipment_active e
            where ${filterCondition(sql, user, p, expiringDays)}
          ), '{}') as ids`
      return row
    },
    (row) => row.ids as number[],
    moment,
  )
  const slice = ids.slice(p.offset, p.offset + p.limit)
  const [row] = await pageQuery(sql, user, p, expiringDays, REGISTER, { found: slice })
  if (row.register_version !== moment.version || row.register_today !== moment.today)
    return undefined
  return `{"items":${row.items},"total":${ids.length}}`
}
