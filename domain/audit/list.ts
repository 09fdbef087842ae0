// The audit log as the admin reads it: newest first, filtered, paged; every filter is indexed.
// Dates are local days (the session time zone): `to` is inclusive.
import type { Sql } from '../../runtime/db.ts'
import { badRequest } from '../../runtime/errors.ts'
import { pagedList } from '../paging.ts'

export interface AuditFilter {
  user_id?: number
  username?: string
  entity?: string[]
  entity_id?: string
  action?: string[]
  from?: string
  to?: string
  limit: number
  offset: number
}

export async function listAudit(sql: Sql, query: AuditFilter) {
  if (query.from && query.to && query.from > query.to) {
    throw badRequest('Начало периода позже его конца', {
      fields: [{ field: 'to', message: 'Начало периода позже его конца' }],
    })
  }
  const where = [
    query.user_id ? sql`user_id = ${query.user_id}` : null,
    query.username ? sql`lower(username) = lower(${query.username})` : null,
    query.entity ? sql`entity = any(${query.entity})` : null,
    query.entity_id ? sql`entity_id = ${query.entity_id}` : null,
    query.action ? sql`action = any(${query.action})` : null,
    query.from ? sql`at >= ${query.from}::date` : null,
    query.to ? sql`at < ${query.to}::date + 1` : null,
  ].filter((c) => c !== null)
  const condition = where.length
    ? where.reduce((acc, c, i) => (i === 0 ? sql`where ${c}` : sql`${acc} and ${c}`), sql``)
    : sql``
  return pagedList(sql, {
    columns: sql`id, at, user_id, username, action, entity, entity_id, changes, ip`,
    from: sql`audit_log`,
    where: condition,
    orderBy: sql`at desc, id desc`,
    limit: query.limit,
    offset: query.offset,
  })
}
