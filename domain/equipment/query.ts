// The register's list query, shared by the main table, the Excel export and later readers
// (documents, statistics): the query-string schema, the WHERE (scope, filters, search), the
// whitelisted sort, and the one-round-trip page with its total.
import type { PendingQuery, Row } from 'postgres'
import { z } from 'zod'
import type { Sql } from '../../runtime/db.ts'
import type { User } from '../../runtime/endpoint.ts'
import { badRequest } from '../../runtime/errors.ts'
import { columnsFor, FINANCE_ONLY, ITEM_COLUMNS, PlanMonth } from './fields.ts'
import {
  EQUIPMENT_TYPES,
  STATES,
  STATUSES,
  VERIFICATION_TYPES,
  type Status,
} from '../shared/labels.ts'
import { DateString, Paging, queryList, queryText } from '../schemas.ts'
import { departmentScope } from '../scope.ts'
import { likePattern, searchWords } from '../search.ts'
import { statusCondition } from './status.ts'
import { cachedTotal, type RegisterMoment } from './totals.ts'

type Fragment = PendingQuery<Row[]>

const enumList = (labels: Record<string, string>) =>
  queryList(
    z.enum(Object.keys(labels) as [string, ...string[]], {
      message: `Допустимые значения: ${Object.keys(labels).join(', ')}`,
    }),
  )

const single = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional())

/** The filter, search and sort parameters (the list, the export). */
export const FilterQuery = z.object({
  q: queryText(500),
  status: enumList(STATUSES),
  state: enumList(STATES),
  type: enumList(EQUIPMENT_TYPES),
  verification_type: enumList(VERIFICATION_TYPES),
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

/** Codes whose Russian label contains the word (lower-cased). */
const labelMatches = (labels: Record<string, string>, word: string) =>
  Object.keys(labels).filter((code) => labels[code].toLowerCase().includes(word))

/**
 * One search word: it matches the row's own text fields, or the Russian label of its type,
 * verification type, state, status or department. The text is stored lower-cased with the row and
 * trigram-indexed (migrations/00013), so a word of 3+ characters is found through the index;
 * a shorter word is the same LIKE on the same text, checked on the rows the other words found (or
 * by a scan of the one table when every word is short). Labels are matched here against the fixed
 * enums and turned into conditions on the codes (the status through statusCondition), departments'
 * labels are part of the text (kept by triggers on a rename); finance text only for admins.
 */
function searchWord(sql: Sql, user: User, word: string, expiringDays: number): Fragment {
  const pattern = likePattern(word)
  const alternatives: Fragment[] = [sql`e.search_text like ${pattern}`]
  if (user.role === 'admin') {
    alternatives.push(sql`e.search_finance like ${pattern}`)
  }
  const types = labelMatches(EQUIPMENT_TYPES, word)
  if (types.length) alternatives.push(sql`e.equipment_type in ${sql(types)}`)
  const kinds = labelMatches(VERIFICATION_TYPES, word)
  if (kinds.length) alternatives.push(sql`e.verification_type in ${sql(kinds)}`)
  const states = labelMatches(STATES, word)
  if (states.length) alternatives.push(sql`e.verification_state in ${sql(states)}`)
  const statuses = labelMatches(STATUSES, word) as Status[]
  if (statuses.length) alternatives.push(statusCondition(sql, statuses, expiringDays, 'e'))
  return sql`(${alternatives.reduce((acc, a) => sql`${acc} or ${a}`)})`
}

/** WHERE over `equipment_active e` (or `equipment_full e`): scope, filters, search. */
export function filterCondition(sql: Sql, user: User, f: Filters, expiringDays: number): Fragment {
  const parts: Fragment[] = [departmentScope(sql, user, 'e')]
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
  for (const word of searchWords(f.q)) parts.push(searchWord(sql, user, word, expiringDays))
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

/**
 * How many active instruments the register shows this user for these filters: counted once per
 * filter, user scope and data version (totals.ts).
 */
export async function registerTotal(
  sql: Sql,
  user: User,
  filters: Partial<Filters>,
  expiringDays: number,
  now?: RegisterMoment,
): Promise<number> {
  const f = { sort: 'id', order: 'asc', ...filters } as Filters
  const scope = user.role === 'admin' ? 'admin' : `dept:${user.department}`
  const key = JSON.stringify([
    scope,
    expiringDays,
    ...FILTER_KEYS.map((k) => f[k as keyof Filters] ?? null),
  ])
  return cachedTotal(sql, key, () => filterCondition(sql, user, f, expiringDays), now)
}

/**
 * A validated integer written into the statement: a prepared statement's generic plan (chosen
 * after five runs) does not know a parameter's LIMIT and plans for a tenth of the register —
 * a hash join over every row instead of the page (2.8 s against 5 ms at 100,000).
 */
const literal = (sql: Sql, n: number) => sql.unsafe(String(Math.trunc(n)))

/**
 * The page's statement (listEquipment; plans.test.ts explains it): one row with the register's
 * data version, today and the page's rows as a JSON array in the sort order.
 */
export function pageQuery(sql: Sql, user: User, p: ListParams, expiringDays: number): Fragment {
  return sql`
    select r.version::text as register_version, current_date::text as register_today,
      coalesce((
        select json_agg(p order by ${orderBy(sql, user, p, 'p')})
        from (
          select ${selectColumns(sql, user)}
          from equipment_active e
          where e.id in (
            select e.id
            from equipment_active e
            where ${filterCondition(sql, user, p, expiringDays)}
            order by ${orderBy(sql, user, p)}
            limit ${literal(sql, p.limit)}
            offset ${literal(sql, p.offset)}
          )
        ) p
      ), '[]')::text as items
    from register_version r`
}

/**
 * One page of the register and the total of the same filter, as the answer's JSON text
 * (`{"items": [...], "total": n}`). The page is one statement: the ids of the page walk the sort
 * column's index (every grid column has one on the driving table, migrations/00013) and stop at
 * offset + limit, then only those rows are read; the statement also reads the register's data
 * version and today. The rows leave PostgreSQL as JSON and are passed on as they are: turning 100
 * rows of 30+ columns into objects and back into JSON was most of the list's CPU in this process
 * (dates stay 'YYYY-MM-DD' and numerics numbers, as the pool's parsers give them). The total is
 * counted once per filter and data version (totals.ts), so scrolling the grid never recounts.
 */
export async function listEquipment(
  sql: Sql,
  user: User,
  p: ListParams,
  expiringDays: number,
): Promise<string> {
  const [row] = await pageQuery(sql, user, p, expiringDays)
  const total = await registerTotal(sql, user, p, expiringDays, {
    version: row.register_version,
    today: row.register_today,
  })
  return `{"items":${row.items},"total":${total}}`
}
