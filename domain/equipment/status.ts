// The status filter. The status itself is computed by the SQL function equipment_status()
// (migrations/00002_equipment.sql) in the equipment_full/equipment_active views. A filter on
// status compiles here to the same rule expressed as conditions on state and due-date ranges, so
// the (verification_state, verification_due) index serves it; status.test.ts checks that both
// agree for every status on every date around the window.
import type { PendingQuery, Row } from 'postgres'
import type { Sql } from '../../runtime/db.ts'
import type { Status } from '../shared/labels.ts'

type Fragment = PendingQuery<Row[]>

/**
 * Conditions for "status in (…)" over a relation with columns verification_state and
 * verification_due (qualified by `alias`, e.g. 'v' or the view name).
 * `window` is the expiring window in days (settings.expiring_days).
 */
export function statusCondition(
  sql: Sql,
  statuses: readonly Status[],
  window: number,
  alias?: string,
): Fragment {
  const state = alias ? sql`${sql(alias)}.verification_state` : sql`verification_state`
  const due = alias ? sql`${sql(alias)}.verification_due` : sql`verification_due`
  const parts: Fragment[] = []
  for (const s of new Set(statuses)) {
    switch (s) {
      case 'status_storage':
        parts.push(sql`${state} = 'state_storage'`)
        break
      case 'status_verification':
        parts.push(sql`${state} = 'state_verification'`)
        break
      case 'status_repair':
        parts.push(sql`${state} = 'state_repair'`)
        break
      case 'status_expired':
        parts.push(sql`(${state} = 'state_work' and ${due} < current_date)`)
        break
      case 'status_expiring':
        parts.push(
          sql`(${state} = 'state_work' and ${due} >= current_date and ${due} <= current_date + ${window}::integer)`,
        )
        break
      case 'status_fit':
        parts.push(sql`(${state} = 'state_work' and ${due} > current_date + ${window}::integer)`)
        break
    }
  }
  if (parts.length === 0) return sql`true`
  return sql`(${parts.reduce((acc, p) => sql`${acc} or ${p}`)})`
}
