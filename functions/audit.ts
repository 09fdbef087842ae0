// The audit log viewer (admins): newest first, filtered, paged (domain/audit/list.ts).
//   GET /api/audit?user_id=&username=&entity=&entity_id=&action=&from=&to=&limit=&offset=
//       → {items:[{id, at, user_id, username, action, entity, entity_id, changes, ip}], total}
import { z } from 'zod'
import { listAudit } from '../domain/audit/list.ts'
import {
  DateString,
  Id,
  PageOf,
  Paging,
  queryList,
  queryText,
  Timestamp,
} from '../domain/schemas.ts'
import { endpoint } from '../runtime/endpoint.ts'

const api = endpoint(import.meta.url)

const AuditView = z.looseObject({
  id: z.number().int(),
  at: Timestamp,
  user_id: z.number().int().nullable(),
  username: z.string().nullable(),
  action: z.string(),
  entity: z.string(),
  entity_id: z.string().nullable(),
})

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
  { auth: 'admin', summary: 'Журнал аудита', query: Query, response: PageOf(AuditView) },
  (_req, env, { query }) => listAudit(env.sql, query),
)

export default api
