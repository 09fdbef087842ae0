// A department's statistics for a period: verification events in the range (current cycle +
// history, inclusive; default this calendar year), by type, fit and unfit; instruments in storage
// now; unfit notices (archived with a reason mentioning «непригодност», on a local day in the
// range). A laborant is held to their own department whatever they ask for.
//
// Two kinds of figures: the events (verified, by_type, fit, unfit — verifications carried out,
// an instrument verified twice counts twice) and the instruments (`instruments`), each counted
// with the register's own filter, so a figure that opens the grid equals the rows it shows.
import type { Sql } from '../../runtime/db.ts'
import type { User } from '../../runtime/endpoint.ts'
import { badRequest } from '../../runtime/errors.ts'
import { registerTotal, type Filters } from '../equipment/query.ts'
import { departmentScope } from '../scope.ts'
import { events, tally, typeKeys } from './events.ts'

/** How many active instruments the register's grid shows for these filters. */
export const gridCount = registerTotal

export async function departmentStats(
  sql: Sql,
  user: User,
  query: { from?: string; to?: string; department?: string },
  expiringDays: number,
) {
  const [{ year_start, year_end }] = await sql`
    select date_trunc('year', current_date)::date::text as year_start,
           (date_trunc('year', current_date) + interval '1 year - 1 day')::date::text as year_end`
  const from = query.from ?? year_start
  const to = query.to ?? year_end
  if (from > to)
    throw badRequest('Начало периода позже его конца', {
      fields: [{ field: 'to', message: 'Начало периода позже его конца' }],
    })
  const department = user.role === 'admin' ? (query.department ?? null) : user.department
  const scope = sql`${departmentScope(sql, user, 'r')} ${
    department ? sql`and r.department = ${department}` : sql``
  }`
  const inDepartment = department ? { department: [department] } : {}
  const period = { ...inDepartment, verified_from: from, verified_to: to }
  const count = (f: Partial<Filters>) => gridCount(sql, user, f, expiringDays)
  const [byType, [counts], [storage], notices, verifiedNow, typeNow, fitNow, storageNow] =
    await Promise.all([
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
      count(period),
      Promise.all(typeKeys.map((t) => count({ ...period, verification_type: [t] }))),
      count({ ...inDepartment, status: ['status_fit'] }),
      count({ ...inDepartment, status: ['status_storage'] }),
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
    instruments: {
      verified: verifiedNow,
      by_type: Object.fromEntries(typeKeys.map((t, i) => [t, typeNow[i]])),
      fit_now: fitNow,
      storage_now: storageNow,
    },
  }
}
