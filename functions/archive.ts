// The archive («Списание», docs/domain.md). An archived instrument stays in the register's
// tables with archived_at/archive_reason/archived_by set, so its id, sections, verification
// history, finance, files are untouched by archive and restore (domain/equipment/archive.ts).
// Admins write; laborants read their own department's archive (404 for another's); finance is
// hidden from laborants.
//   GET    /api/archive                 ?q=&department=&from=&to=&limit=&offset= → {items, total}
//                                        (the register's list with { archived: true }, query.ts)
//   GET    /api/archive/:id             the full record (sections, history, files)
//   POST   /api/archive                 {equipment_id, reason} → the archived record
//   PATCH  /api/archive/:id             {reason, version}
//   POST   /api/archive/:id/restore     back to the register with the same id
//   DELETE /api/archive/:id             permanent delete: rows, then the files on disk
import { z } from 'zod'
import { endpoint } from '../runtime/endpoint.ts'
import { jsonText } from '../runtime/errors.ts'
import { purgeInstrument } from '../domain/equipment/edit.ts'
import { archivedRecord } from '../domain/equipment/record.ts'
import {
  archiveInstrument,
  restoreInstrument,
  updateArchiveReason,
} from '../domain/equipment/archive.ts'
import { listInstruments } from '../domain/equipment/query.ts'
import { settingsOf } from '../domain/settings/registry.ts'
import {
  DateString,
  EquipmentRecordView,
  Id,
  IdParams,
  PageOf,
  Paging,
  queryList,
  queryText,
  RowView,
  Version,
} from '../domain/schemas.ts'

const api = endpoint(import.meta.url)

const Reason = z
  .string({ message: 'Укажите причину списания' })
  .trim()
  .min(1, 'Укажите причину списания')
  .max(2000)

const ArchiveBody = z.object({ equipment_id: Id, reason: Reason }).strict()
const ReasonBody = z.object({ reason: Reason, version: Version }).strict()
const ListQuery = z.object({
  q: queryText(),
  department: queryList(z.string().max(64)),
  from: DateString.optional(),
  to: DateString.optional(),
  ...Paging,
})

api.get(
  '/',
  {
    auth: 'user',
    summary: 'Архив (списанное оборудование)',
    query: ListQuery,
    response: PageOf(RowView),
  },
  async (_req, env, { query: { from, to, ...filters } }) => {
    const { expiring_days } = await settingsOf(env)
    const list = { archived: true, from, to } as const
    return jsonText(await listInstruments(env.sql, env.user, filters, expiring_days, list))
  },
)

api.get(
  '/:id',
  {
    auth: 'user',
    summary: 'Карточка списанного оборудования',
    params: IdParams,
    response: EquipmentRecordView,
  },
  (_req, env, { params }) => archivedRecord(env.sql, env.user, params.id),
)

api.post(
  '/',
  {
    auth: 'admin',
    summary: 'Списать оборудование в архив',
    body: ArchiveBody,
    status: 201,
    response: EquipmentRecordView,
  },
  (_req, env, { body }) => archiveInstrument(env, body.equipment_id, body.reason),
)

api.patch(
  '/:id',
  {
    auth: 'admin',
    summary: 'Изменить причину списания',
    params: IdParams,
    body: ReasonBody,
    response: EquipmentRecordView,
  },
  (_req, env, { params, body }) => updateArchiveReason(env, params.id, body.reason, body.version),
)

api.post(
  '/:id/restore',
  {
    auth: 'admin',
    summary: 'Восстановить из архива',
    params: IdParams,
    response: EquipmentRecordView,
  },
  (_req, env, { params }) => restoreInstrument(env, params.id),
)

api.delete(
  '/:id',
  {
    auth: 'admin',
    summary: 'Удалить из архива навсегда (с файлами)',
    status: 204,
    params: IdParams,
  },
  (_req, env, { params }) => purgeInstrument(env, params.id, 'archive'),
)

export default api
