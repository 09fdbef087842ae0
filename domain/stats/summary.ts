// The header metrics: totals by status and by state, due in 30/60/90 days, archived — summed from
// the counts the triggers keep by (department, state, due date) (migrations/00013: the due date
// only for instruments in work, archived ones by department), so the cost does not grow with the
// register. The status of an instrument in work is its due date against today and the expiring
// window, the same rule as equipment_status(). The answer is kept per scope and window for the
// register's data version and day (keptForVersion), so the header asks the database once per
// change.
import type { Sql } from '../../runtime/db.ts'
import type { User } from '../../runtime/endpoint.ts'
import { departmentScope } from '../scope.ts'
import { keptForVersion, momentColumns } from '../equipment/totals.ts'
import { DUE_WINDOWS, stateKeys, statusKeys } from './events.ts'

const STATUS_OF_STATE: Record<string, string> = {
  status_storage: 'state_storage',
  status_verification: 'state_verification',
  status_repair: 'state_repair',
}

export function summary(sql: Sql, user: User, expiringDays: number) {
  const scope = user.role === 'admin' ? 'admin' : `dept:${user.department}`
  return keptForVersion(
    sql,
    `summary|${scope}|${expiringDays}`,
    () => readSummary(sql, user, expiringDays),
    shapeSummary,
  )
}

async function readSummary(sql: Sql, user: User, expiringDays: number) {
  const work = `c.state = 'state_work'`
  // a checked integer written into the text: the window is part of the kept answer's key
  const days = Math.trunc(expiringDays)
  const statusCount = (k: string) => {
    const when =
      k in STATUS_OF_STATE
        ? `c.state = '${STATUS_OF_STATE[k]}'`
        : k === 'status_expired'
          ? `${work} and c.due < current_date`
          : k === 'status_expiring'
            ? `${work} and c.due >= current_date and c.due - current_date <= ${days}`
            : `${work} and c.due - current_date > ${days}`
    return `coalesce(sum(c.n) filter (where ${when}), 0)::int as "${k}"`
  }
  const counts = [
    ...statusKeys.map(statusCount),
    ...stateKeys.map((k) => `coalesce(sum(c.n) filter (where c.state = '${k}'), 0)::int as "${k}"`),
    ...DUE_WINDOWS.map(
      (d) => `coalesce(sum(c.n) filter (where ${work}
        and c.due between current_date and current_date + ${d}), 0)::int as "due_${d}"`,
    ),
  ].join(',\n')
  const [row] = await sql`
    select
      coalesce(sum(c.n) filter (where c.state <> 'archived'), 0)::int as total,
      coalesce(sum(c.n) filter (where c.state = 'archived'), 0)::int as archived,
      ${sql.unsafe(counts)},
      ${momentColumns(sql)}
    from register_counts c
    where ${departmentScope(sql, user, 'c')}`
  return row
}

function shapeSummary(row: Record<string, number>) {
  return {
    total: row.total,
    by_status: Object.fromEntries(statusKeys.map((k) => [k, row[k]])),
    by_state: Object.fromEntries(stateKeys.map((k) => [k, row[k]])),
    due_in: Object.fromEntries(DUE_WINDOWS.map((d) => [d, row[`due_${d}`]])),
    archived: row.archived,
  }
}
