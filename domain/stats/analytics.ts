// The admin's analytics for a year: verifications by type; departments × 12 months of
// verification_plan; planned cost per month and per department; next year's budget; overdue by
// department and responsible person; due in 30/60/90 days. All figures are SQL aggregates run in
// parallel, shaped here into per-department blocks in the departments' order.
import type { PendingQuery, Row } from 'postgres'
import type { Sql } from '../../runtime/db.ts'
import type { User } from '../../runtime/endpoint.ts'
import { departmentScope } from '../scope.ts'
import { gridCount } from './department.ts'
import { DUE_WINDOWS, events, tally, typeKeys } from './events.ts'

type Scope = PendingQuery<Row[]>
interface Department {
  code: string
  label: string
}
interface Amount {
  department: string
  month: number
  n: number
  amount: number
}

export async function analytics(
  sql: Sql,
  user: User,
  year: number | undefined,
  expiringDays: number,
) {
  const [{ current_year }] = await sql`select extract(year from current_date)::int as current_year`
  const y: number = year ?? current_year
  const scope = departmentScope(sql, user, 'e')
  const inYear = { verified_from: `${y}-01-01`, verified_to: `${y}-12-31` }
  const [byType, planned, cost, budget, overdue, due, departments, instruments] = await Promise.all(
    [
      sql<{ key: string; n: number }[]>`
      select ev.verification_type as key, count(*)::int as n
      from ${events(sql)} ev
      where ev.verification_date between ${`${y}-01-01`} and ${`${y}-12-31`}
      group by ev.verification_type`,
      plannedRows(sql, scope, y),
      plannedCost(sql, scope, y),
      budgetRows(sql, scope, y + 1),
      sql<{ department: string; responsible_person: string | null; n: number }[]>`
      select e.department, e.responsible_person, count(*)::int as n
      from equipment_active e
      where e.status = 'status_expired'
        and ${scope}
      group by 1, 2
      order by 1, 3 desc, 2`,
      dueCounts(sql, scope),
      sql<Department[]>`select code, label from departments order by sort_order, label`,
      Promise.all(
        typeKeys.map((t) =>
          gridCount(sql, user, { ...inYear, verification_type: [t] }, expiringDays),
        ),
      ),
    ],
  )
  const order = departmentOrder(departments)
  return {
    year: y,
    by_verification_type: tally(typeKeys, byType),
    /** instruments verified in the year (current cycle or history), by their current type */
    instruments_by_verification_type: Object.fromEntries(
      typeKeys.map((t, i) => [t, instruments[i]]),
    ),
    calendar: calendarBlock(planned, order),
    planned_cost: plannedCostBlock(cost, order),
    budget_next_year: budgetBlock(budget, y + 1, order),
    overdue: overdueBlock(overdue, order),
    due_in: due,
  }
}

/** Active instruments planned in the year, per department and month. */
function plannedRows(sql: Sql, scope: Scope, year: number) {
  return sql<Omit<Amount, 'amount'>[]>`
    select e.department, extract(month from e.verification_plan)::int as month, count(*)::int as n
    from equipment_active e
    where e.verification_plan between ${`${year}-01-01`} and ${`${year}-12-31`}
      and ${scope}
    group by 1, 2`
}

/** Their cost per month and per department (each summed by the database). */
async function plannedCost(sql: Sql, scope: Scope, year: number) {
  const planned = sql`
    from equipment_active e
    where e.verification_plan between ${`${year}-01-01`} and ${`${year}-12-31`}
      and ${scope}`
  const [byMonth, byDepartment] = await Promise.all([
    sql<{ month: number; amount: number; n: number }[]>`
      select extract(month from e.verification_plan)::int as month,
             coalesce(sum(e.total_cost), 0) as amount, count(*)::int as n
      ${planned}
      group by 1`,
    sql<{ department: string; amount: number; n: number }[]>`
      select e.department, coalesce(sum(e.total_cost), 0) as amount, count(*)::int as n
      ${planned}
      group by 1`,
  ])
  return { byMonth, byDepartment }
}

/**
 * The year's budget: each due date of an instrument's cycle (due, due + interval, …) that falls in
 * the year costs one tariff (cost_rate × quantity × coefficient); instruments kept in storage are
 * not verified and are left out. A lateral generate_series starts near the year, so an
 * instrument costs a handful of rows, not one per past cycle.
 */
function budgetRows(sql: Sql, scope: Scope, year: number) {
  return sql<Amount[]>`
    select e.department, extract(month from d.due)::int as month,
           count(*)::int as n, coalesce(sum(e.total_cost), 0) as amount
    from equipment_active e
    cross join lateral (
      select greatest(
        0,
        ((${year} - extract(year from e.verification_date)::int) * 12
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
      and d.due between ${`${year}-01-01`} and ${`${year}-12-31`}
      and ${scope}
    group by 1, 2`
}

/** Instruments in work due within each window from today. */
async function dueCounts(sql: Sql, scope: Scope) {
  const [row] = await sql`
    select
      ${sql.unsafe(
        DUE_WINDOWS.map(
          (d) => `count(*) filter (where e.verification_due <= current_date + ${d})::int as "${d}"`,
        ).join(', '),
      )}
    from equipment_active e
    where e.verification_state = 'state_work'
      and e.verification_due >= current_date
      and e.verification_due <= current_date + ${Math.max(...DUE_WINDOWS)}::int
      and ${scope}`
  return row
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
const round2 = (x: number) => Math.round(x * 100) / 100
const months = () => Array.from({ length: 12 }, () => 0)

/** Department codes (each once) in the departments' order, with their labels. */
function departmentOrder(departments: Department[]) {
  const label = new Map(departments.map((d) => [d.code, d.label]))
  const index = new Map(departments.map((d, i) => [d.code, i]))
  return {
    label: (code: string) => label.get(code) ?? code,
    sort: (codes: Iterable<string>) =>
      [...new Set(codes)].sort((a, b) => (index.get(a) ?? -1) - (index.get(b) ?? -1)),
  }
}
type Order = ReturnType<typeof departmentOrder>

function calendarBlock(rows: Omit<Amount, 'amount'>[], order: Order) {
  const byDepartment = new Map<string, number[]>()
  for (const r of rows) {
    const m = byDepartment.get(r.department) ?? months()
    m[r.month - 1] = r.n
    byDepartment.set(r.department, m)
  }
  return order.sort(byDepartment.keys()).map((code) => {
    const m = byDepartment.get(code)!
    return { department: code, label: order.label(code), months: m, total: sum(m) }
  })
}

function plannedCostBlock(cost: Awaited<ReturnType<typeof plannedCost>>, order: Order) {
  const byMonth = months()
  for (const r of cost.byMonth) byMonth[r.month - 1] = r.amount
  return {
    by_month: byMonth,
    by_department: order.sort(cost.byDepartment.map((r) => r.department)).map((code) => {
      const r = cost.byDepartment.find((x) => x.department === code)!
      return { department: code, label: order.label(code), amount: r.amount, count: r.n }
    }),
    total: round2(sum(byMonth)),
  }
}

function budgetBlock(rows: Amount[], year: number, order: Order) {
  const byDepartment = new Map<string, { verifications: number; amount: number }>()
  const byMonth = months()
  let total = 0
  let verifications = 0
  for (const r of rows) {
    const d = byDepartment.get(r.department) ?? { verifications: 0, amount: 0 }
    d.verifications += r.n
    d.amount = round2(d.amount + r.amount)
    byDepartment.set(r.department, d)
    byMonth[r.month - 1] = round2(byMonth[r.month - 1] + r.amount)
    total = round2(total + r.amount)
    verifications += r.n
  }
  return {
    year,
    total,
    verifications,
    by_month: byMonth,
    by_department: order.sort(byDepartment.keys()).map((code) => ({
      department: code,
      label: order.label(code),
      ...byDepartment.get(code)!,
    })),
  }
}

function overdueBlock(
  rows: { department: string; responsible_person: string | null; n: number }[],
  order: Order,
) {
  const byDepartment = new Map<string, number>()
  for (const r of rows) byDepartment.set(r.department, (byDepartment.get(r.department) ?? 0) + r.n)
  return {
    by_department: order.sort(byDepartment.keys()).map((code) => ({
      department: code,
      label: order.label(code),
      count: byDepartment.get(code)!,
    })),
    by_responsible: rows.map((r) => ({
      department: r.department,
      responsible_person: r.responsible_person,
      count: r.n,
    })),
  }
}
