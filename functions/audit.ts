// The audit log viewer (admins): newest first, filtered, paged (domain/audit/list.ts).
//   GET /api/audit?user_id=&username=&entity=&entity_id=&action=&from=&to=&limit=&offset=
//       → {items:[{id, at, user_id, username, action, entity, entity_id, changes, ip,
//          action_label, entity_label, object, equipment_id, changes_list}], total}
//   GET /api/audit/export.xlsx?(the same filters)   the filtered log as an Excel workbook
import { Response } from '@whatwg-node/server'
import { z } from 'zod'
import { exportAudit, listAudit } from '../domain/audit/list.ts'
import { contentDisposition } from '../runtime/content-disposition.ts'
import { MIME } from '../runtime/files/kinds.ts'
import {
  AuditView,
  DateString,
  Id,
  PageOf,
  Paging,
  Timestamp,
  queryList,
  queryText,
} from '../domain/schemas.ts'
import { endpoint } from '../runtime/endpoint.ts'

const api = endpoint(import.meta.url)

const Filter = z.object({
  user_id: Id.optional(),
  username: queryText(64),
  entity: queryList(z.string().max(50)),
  entity_id: queryText(100),
  action: queryList(z.string().max(50)),
  from: DateString.optional(),
  to: DateString.optional(),
})
const Query = Filter.extend(Paging)

// before '/': the export's own path
api.get(
  '/export.xlsx',
  {
    auth: 'admin',
    summary: 'Журнал аудита в Excel (те же фильтры)',
    query: Filter,
    produces: MIME.xlsx,
  },
  async (_req, env, { query }) =>
    new Response(new Uint8Array(await exportAudit(env.sql, query, env.config.timeZone)), {
      headers: {
        'content-type': MIME.xlsx,
        'content-disposition': contentDisposition('attachment', 'Журнал_аудита.xlsx'),
        'cache-control': 'no-store',
      },
    }),
)

api.get(
  '/',
  { auth: 'admin', summary: 'Журнал аудита', query: Query, response: PageOf(AuditView) },
  (_req, env, { query }) => listAudit(env.sql, query, env.config.timeZone),
)

export default api
