// Statistics (SPEC §4), all computed in SQL and scoped on the server (departmentScope).
//   GET /api/stats/summary       user: {total, by_status:{…six}, by_state:{…four},
//                                due_in:{30,60,90}, archived} — header metrics
//   GET /api/stats/department?from=&to=&department=   user (a laborant: own department only):
//                                verifications in the range (current cycle + history), by type,
//                                fit, in storage now, unfit notices archived in the range
//   GET /api/stats/analytics?year=   admin: by verification type in the year; departments ×
//                                12 months of verification_plan; planned cost per month and per
//                                department; next year's budget; overdue by department and
//                                responsible person; due in 30/60/90 days
// Dates are local days of the database (current_date); "due in N days" counts instruments in
// work whose due date is today … today + N (so 60 includes 30).
import { z } from 'zod'
import type { Sql } from '../runtime/db.ts'
import { endpoint, type AuthedEnv } from '../runtime/endpoint.ts'
import { badRequest } from '../runtime/errors.ts'
import { STATES, STATUSES, VERIFICATION_TYPES } from '../domain/shared/labels.ts'
import { DateString } from '../domain/schemas.ts'
import { departmentScope } from '../domain/scope.ts'

const api = endpoint(import.meta.url)

const DUE_WINDOWS = [30, 60, 90] as const

const zeroes = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>

const statusKeys = Object.keys(STATUSES) as (keyof typeof STATUSES)[]
const stateKeys = Object.keys(STATES) as (keyof typeof STATES)[]
const typeKeys = Object.keys(VERIFICATION_TYPES) as (keyof typeof VERIFICATION_TYPES)[]

/** Counts of `rows` ({key, n}) into an object holding every key (0 when absent). */
function tally<K extends string>(keys: readonly K[], rows: { key: string; n: number }[]) {
  const out = zeroes(keys)
  for (const r of rows) if (r.key in out) out[r.key as K] = r.n
  return out
}

/** Every verification event: the current cycle of each instrument plus its history. */
const events = (sql: Sql) => sql`
  (
    select equipment_id, verification_type, verification_result, verification_date
    from verification
    union all
    select equipment_id, verification_type, verification_result, verification_date
    from verification_history
  )`

async function summary(env: AuthedEnv) {
  const sql = env.sql
  // one pass over the register: every count is a filter of the same scan
  const counts = [
    ...statusKeys.map(
      (k) => `count(*) filter (where e.archived_at is null and e.status = '${k}')::int as "${k}"`,
    ),
    ...stateKeys.map(
      (k) =>
        `count(*) filter (where e.archived_at is null and e.verification_state = '${k}')::int as "${k}"`,
    ),
    ...DUE_WINDOWS.map(
      (d) => `count(*) filter (where e.archived_at is null and e.verification_state = 'state_work'
        and e.verification_due between current_date and current_date + ${d})::int as "due_${d}"`,
    ),
  ].join(',\n')
  const [row] = await sql`
    select
      count(*) filter (where e.archived_at is null)::int as total,
      count(*) filter (where e.archived_at is not null)::int as archived,
      ${sql.unsafe(counts)}
    from equipment_full e
    where ${departmentScope(sql, env.user, 'e')}`
  return {
    total: row.total,
    by_status: Object.fromEntries(statusKeys.map((k) => [k, row[k]])),
    by_state: Object.fromEntries(stateKeys.map((k) => [k, row[k]])),
    due_in: Object.fromEntries(DUE_WINDOWS.map((d) => [d, row[`due_${d}`]])),
    archived: row.archived,
  }
}

api.get('/summary', { auth: 'user', summary: 'Сводные показатели реестра' }, (_req, env) =>
  summary(env),
)

const Range = z.object({
  from: DateString.optional(),
  to: DateString.optional(),
  department: z.string().max(40).optional(),
})

api.get(
  '/department',
  { auth: 'user', summary: 'Статистика подразделения за период', query: Range },
  async (_req, env, { query }) => {
    const sql = env.sql
    const [{ year_start, year_end }] = await sql`
      select date_trunc('year', current_date)::date::text as year_start,
             (date_trunc('year', current_date) + interval '1 year - 1 day')::date::text as year_end`
    const from = query.from ?? year_start
    const to = query.to ?? year_end
    if (from > to) throw badRequest('Начало периода позже его конца')
    // a laborant is held to their own department whatever they ask for
    const department = env.user.role === 'admin' ? (query.department ?? null) : env.user.department
    const scope = sql`${departmentScope(sql, env.user, 'r')} ${
      department ? sql`and r.department = ${department}` : sql``
    }`
    const [byType, [counts], [storage], notices] = await Promise.all([
      sql<{ key: string; n: number }[]>`
        select ev.verification_type as key, count(*)::int as n
        from ${events(sql)} ev
        join responsibility r on r.equipment_id = ev.equipment_id
        where ev.verification_date between ${from} and ${to}
          and ${scope}
        group by ev.verification_type`,
      sql`
        select
          count(*)::int as verified,
          count(*) filter (where ev.verification_result = 'fit')::int as fit,
          count(*) filter (where ev.verification_result = 'unfit')::int as unfit
        from ${events(sql)} ev
        join responsibility r on r.equipment_id = ev.equipment_id
        where ev.verification_date between ${from} and ${to}
          and ${scope}`,
      sql`
        select count(*)::int as n
        from equipment e
        join verification v on v.equipment_id = e.id
        join responsibility r on r.equipment_id = e.id
        where e.archived_at is null
          and v.verification_state = 'state_storage'
          and ${scope}`,
      sql`
        select e.id, e.equipment_name, e.equipment_model, e.factory_number, e.inventory_number,
               r.department, e.archived_at::date::text as archived_on, e.archive_reason
        from equipment e
        join responsibility r on r.equipment_id = e.id
        where e.archived_at >= ${from}::date
          and e.archived_at < ${to}::date + 1
          and e.archive_reason ilike '%непригодност%'
          and ${scope}
        order by e.archived_at desc, e.id`,
    ])
    return {
      from,
      to,
      department,
      verified: counts.verified,
      by_type: tally(typeKeys, byType),
      fit: counts.fit,
      unfit: counts.unfit,
      in_storage: storage.n,
      unfit_notices: notices.length,
      unfit_notice_items: notices,
    }
  },
)

api.get(
  '/analytics',
  {
    auth: 'admin',
    summary: 'Аналитика: типы, календарь, затраты, бюджет следующего года, просрочки',
    query: z.object({ year: z.coerce.number().int().min(2000).max(2200).optional() }),
  },
  async (_req, env, { query }) => {
    const sql = env.sql
    const [{ current_year }] = await sql`
      select extract(year from current_date)::int as current_year`
    const year: number = query.year ?? current_year
    const yearStart = `${year}-01-01`
    const yearEnd = `${year}-12-31`
    const next = year + 1
    const nextStart = `${next}-01-01`
    const nextEnd = `${next}-12-31`
    const scope = departmentScope(sql, env.user, 'e')

    const [byType, calendar, costMonth, costDept, budget, overdue, [due], departments] =
      await Promise.all([
        sql<{ key: string; n: number }[]>`
          select ev.verification_type as key, count(*)::int as n
          from ${events(sql)} ev
          where ev.verification_date between ${yearStart} and ${yearEnd}
          group by ev.verification_type`,
        sql<{ department: string; month: number; n: number }[]>`
          select e.department, extract(month from e.verification_plan)::int as month,
                 count(*)::int as n
          from equipment_active e
          where e.verification_plan between ${yearStart} and ${yearEnd}
            and ${scope}
          group by 1, 2`,
        sql<{ month: number; amount: number; n: number }[]>`
          select extract(month from e.verification_plan)::int as month,
                 coalesce(sum(e.total_cost), 0) as amount, count(*)::int as n
          from equipment_active e
          where e.verification_plan between ${yearStart} and ${yearEnd}
            and ${scope}
          group by 1`,
        sql<{ department: string; amount: number; n: number }[]>`
          select e.department, coalesce(sum(e.total_cost), 0) as amount, count(*)::int as n
          from equipment_active e
          where e.verification_plan between ${yearStart} and ${yearEnd}
            and ${scope}
          group by 1`,
        // next year's budget: each due date of the instrument's cycle (due, due + interval, …)
        // that falls in the year costs one tariff (cost_rate × quantity × coefficient);
        // instruments kept in storage are not verified and are left out
        sql<{ department: string; month: number; verifications: number; amount: number }[]>`
          select e.department, extract(month from d.due)::int as month,
                 count(*)::int as verifications, coalesce(sum(e.total_cost), 0) as amount
          from equipment_active e
          cross join lateral (
            select greatest(
              0,
              ((${next} - extract(year from e.verification_date)::int) * 12
                - extract(month from e.verification_date)::int + 1)
                / e.verification_interval - 1
            ) as k0
          ) s
          cross join lateral (
            select verification_due(
              e.verification_date, e.verification_interval * (k + 1)
            ) as due
            from generate_series(s.k0, s.k0 + 12 / e.verification_interval + 2) k
          ) d
          where e.verification_state <> 'state_storage'
            and d.due between ${nextStart} and ${nextEnd}
            and ${scope}
          group by 1, 2`,
        sql<{ department: string; responsible_person: string | null; n: number }[]>`
          select e.department, e.responsible_person, count(*)::int as n
          from equipment_active e
          where e.status = 'status_expired'
            and ${scope}
          group by 1, 2
          order by 1, 3 desc, 2`,
        sql`
          select
            ${sql.unsafe(
              DUE_WINDOWS.map(
                (d) =>
                  `count(*) filter (where e.verification_due <= current_date + ${d})::int as "${d}"`,
              ).join(', '),
            )}
          from equipment_active e
          where e.verification_state = 'state_work'
            and e.verification_due >= current_date
            and e.verification_due <= current_date + ${Math.max(...DUE_WINDOWS)}::int
            and ${scope}`,
        sql<{ code: string; label: string }[]>`
          select code, label from departments order by sort_order, label`,
      ])

    const label = new Map(departments.map((d) => [d.code, d.label]))
    const months = () => Array.from({ length: 12 }, () => 0)
    const perDepartment = <T>(make: () => T) => {
      const m = new Map<string, T>()
      return (code: string) => {
        if (!m.has(code)) m.set(code, make())
        return m.get(code)!
      }
    }

    const cal = perDepartment(months)
    const calendarMap = new Map<string, number[]>()
    for (const r of calendar) {
      const row = cal(r.department)
      row[r.month - 1] = r.n
      calendarMap.set(r.department, row)
    }
    const costPerMonth = months()
    for (const r of costMonth) costPerMonth[r.month - 1] = r.amount

    const budgetByDept = new Map<string, { verifications: number; amount: number }>()
    const budgetByMonth = months()
    let budgetTotal = 0
    let budgetCount = 0
    for (const r of budget) {
      const d = budgetByDept.get(r.department) ?? { verifications: 0, amount: 0 }
      d.verifications += r.verifications
      d.amount = round2(d.amount + r.amount)
      budgetByDept.set(r.department, d)
      budgetByMonth[r.month - 1] = round2(budgetByMonth[r.month - 1] + r.amount)
      budgetTotal = round2(budgetTotal + r.amount)
      budgetCount += r.verifications
    }

    const overdueByDept = new Map<string, number>()
    for (const r of overdue)
      overdueByDept.set(r.department, (overdueByDept.get(r.department) ?? 0) + r.n)

    const ordered = (codes: Iterable<string>) =>
      [...new Set(codes)].sort(
        (a, b) =>
          departments.findIndex((d) => d.code === a) - departments.findIndex((d) => d.code === b),
      )

    return {
      year,
      by_verification_type: tally(typeKeys, byType),
      calendar: ordered(calendarMap.keys()).map((code) => {
        const m = calendarMap.get(code)!
        return { department: code, label: label.get(code) ?? code, months: m, total: sum(m) }
      }),
      planned_cost: {
        by_month: costPerMonth,
        by_department: ordered(costDept.map((r) => r.department)).map((code) => {
          const r = costDept.find((x) => x.department === code)!
          return { department: code, label: label.get(code) ?? code, amount: r.amount, count: r.n }
        }),
        total: round2(sum(costPerMonth)),
      },
      budget_next_year: {
        year: next,
        total: budgetTotal,
        verifications: budgetCount,
        by_month: budgetByMonth,
        by_department: ordered(budgetByDept.keys()).map((code) => ({
          department: code,
          label: label.get(code) ?? code,
          ...budgetByDept.get(code)!,
        })),
      },
      overdue: {
        by_department: ordered(overdueByDept.keys()).map((code) => ({
          department: code,
          label: label.get(code) ?? code,
          count: overdueByDept.get(code)!,
        })),
        by_responsible: overdue.map((r) => ({
          department: r.department,
          responsible_person: r.responsible_person,
          count: r.n,
        })),
      },
      due_in: due,
    }
  },
)

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
const round2 = (x: number) => Math.round(x * 100) / 100

export default api
