// The header metrics: totals by status and by state, due in 30/60/90 days, archived — one scan of
// the register in the user's scope, every count a filter of it.
import type { Sql } from '../../runtime/db.ts'
import type { User } from '../../runtime/endpoint.ts'
import { departmentScope } from '../scope.ts'
import { DUE_WINDOWS, stateKeys, statusKeys } from './events.ts'

export async function summary(sql: Sql, user: User) {
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
    where ${departmentScope(sql, user, 'e')}`
  return {
    total: row.total,
    by_status: Object.fromEntries(statusKeys.map((k) => [k, row[k]])),
    by_state: Object.fromEntries(stateKeys.map((k) => [k, row[k]])),
    due_in: Object.fromEntries(DUE_WINDOWS.map((d) => [d, row[`due_${d}`]])),
    archived: row.archived,
  }
}
