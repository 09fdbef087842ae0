// The audit log viewer (admins): newest first, filtered, paged; every filter is indexed.
//   GET /api/audit?user_id=&username=&entity=&entity_id=&action=&from=&to=&limit=&offset=
//       → {items:[{id, at, user_id, username, action, entity, entity_id, changes, ip}], total}
import { z } from 'zod'
import { endpoint } from '../runtime/endpoint.ts'
import { badRequest } from '../runtime/errors.ts'
import { DateString, Id, Paging, queryList, queryText } from '../domain/schemas.ts'

const api = endpoint(import.meta.url)

const Query = z.object({
  user_id: Id.optional(),
  username: queryText(64),
  entity: queryList(z.string().max(50)),
  entity_id: queryText(100),
  action: queryList(z.string().max(50)),
  from: DateString.optional(),
  to: DateString.optional(),
  ...Paging,
})

api.get(
  '/',
  { auth: 'admin', summary: 'Журнал аудита', query: Query },
  async (_req, env, { query }) => {
    if (query.from && query.to && query.from > query.to) {
      throw badRequest('Начало периода позже его конца')
    }
    const sql = env.sql
    const where = [
      query.user_id ? sql`user_id = ${query.user_id}` : null,
      query.username ? sql`lower(username) = lower(${query.username})` : null,
      query.entity ? sql`entity = any(${query.entity})` : null,
      query.entity_id ? sql`entity_id = ${query.entity_id}` : null,
      query.action ? sql`action = any(${query.action})` : null,
      // dates are local days (the session time zone): to is inclusive
      query.from ? sql`at >= ${query.from}::date` : null,
      query.to ? sql`at < ${query.to}::date + 1` : null,
    ].filter((c) => c !== null)
    const condition = where.length
      ? where.reduce((acc, c, i) => (i === 0 ? sql`where ${c}` : sql`${acc} and ${c}`), sql``)
      : sql``
    const [items, [{ total }]] = await Promise.all([
      sql`
        select id, at, user_id, username, action, entity, entity_id, changes, ip
        from audit_log
        ${condition}
        order by at desc, id desc
        limit ${query.limit}
        offset ${query.offset}`,
      sql`select count(*)::int as total from audit_log ${condition}`,
    ])
    return { items, total }
  },
)

export default api
