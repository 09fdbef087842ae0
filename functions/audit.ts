// The audit log viewer (admins): newest first, filtered, paged (domain/audit/list.ts).
//   GET /api/audit?user_id=&username=&entity=&entity_id=&action=&from=&to=&limit=&offset=
//       → {items:[{id, at, user_id, username, action, entity, entity_id, changes, ip}], total}
import { z } from 'zod'
import { listAudit } from '../domain/audit/list.ts'
import { DateString, Id, Paging, queryList, queryText } from '../domain/schemas.ts'
import { endpoint } from '../runtime/endpoint.ts'

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

api.get('/', { auth: 'admin', summary: 'Журнал аудита', query: Query }, (_req, env, { query }) =>
  listAudit(env.sql, query),
)

export default api
