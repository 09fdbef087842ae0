// The contracts notebook («Баланс по договорам»): `balance` = amount − spent is a generated column,
// `current_balance` is typed by hand. A page with the totals of the same filter, one contract,
// and the audited writes; a change naming a stale version gets 409 with the current row.
import type { Sql } from '../runtime/db.ts'
import type { AuthedEnv } from '../runtime/endpoint.ts'
import { notFound } from '../runtime/errors.ts'
import { pagedList } from './paging.ts'
import { wordsIn } from './search.ts'
import { checkVersion } from './stale.ts'
import { diffFields, recordAudit } from './audit/record.ts'

type Writer = Pick<AuthedEnv, 'sql' | 'user' | 'ip'>

/** The columns a client writes. */
const CONTRACT_COLUMNS = [
  'executor_name',
  'contract_number',
  'valid_until',
  'contract_amount',
  'spent_amount',
  'current_balance',
  'notes',
] as const
export type ContractFields = Record<(typeof CONTRACT_COLUMNS)[number], string | number | null>

const select = (sql: Sql) => sql`
  id, executor_name, contract_number, valid_until, contract_amount, spent_amount, balance,
  current_balance, notes, version, created_at, updated_at`

export async function listContracts(
  sql: Sql,
  query: { q?: string; limit: number; offset: number },
) {
  const words = wordsIn(sql, sql`concat_ws(' ', executor_name, contract_number)`, query.q)
  const where = words.length ? sql`where ${words.reduce((a, c) => sql`${a} and ${c}`)}` : sql``
  const [page, [totals]] = await Promise.all([
    pagedList(sql, {
      columns: select(sql),
      from: sql`contracts`,
      where,
      orderBy: sql`lower(executor_name), id`,
      limit: query.limit,
      offset: query.offset,
    }),
    sql`
      select
        coalesce(sum(contract_amount), 0) as contract_amount,
        coalesce(sum(spent_amount), 0) as spent_amount,
        coalesce(sum(balance), 0) as balance
      from contracts
      ${where}`,
  ])
  return { ...page, totals }
}

export async function findContract(sql: Sql, id: number) {
  const [row] = await sql`select ${select(sql)} from contracts where id = ${id}`
  if (!row) throw notFound('Договор не найден')
  return row
}

export function createContract(env: Writer, fields: ContractFields) {
  return env.sql.begin(async (tx) => {
    const [created] = await tx`
      insert into contracts ${tx(fields, ...CONTRACT_COLUMNS)}
      returning ${select(tx as any)}`
    await recordAudit(tx, env, {
      action: 'contract_create',
      entity: 'contract',
      entityId: created.id,
      changes: diffFields({}, created, CONTRACT_COLUMNS),
    })
    return created
  })
}

export function updateContract(env: Writer, id: number, fields: ContractFields, version: number) {
  return env.sql.begin(async (tx) => {
    const [row] = await tx`
      select ${select(tx as any)}, updated_by from contracts where id = ${id} for update`
    if (!row) throw notFound('Договор не найден')
    const { updated_by: _, ...before } = row
    await checkVersion(tx, version, row as typeof row & { version: number }, before)
    const [after] = await tx`
      update contracts set
        ${tx(fields, ...CONTRACT_COLUMNS)},
        version = version + 1,
        updated_at = now(),
        updated_by = ${env.user.id}
      where id = ${id}
      returning ${select(tx as any)}`
    await recordAudit(tx, env, {
      action: 'contract_update',
      entity: 'contract',
      entityId: id,
      changes: diffFields(before, after, CONTRACT_COLUMNS),
    })
    return after
  })
}

export function deleteContract(env: Writer, id: number) {
  return env.sql.begin(async (tx) => {
    const [gone] = await tx`delete from contracts where id = ${id} returning ${select(tx as any)}`
    if (!gone) throw notFound('Договор не найден')
    await recordAudit(tx, env, {
      action: 'contract_delete',
      entity: 'contract',
      entityId: id,
      changes: diffFields(gone, {}, CONTRACT_COLUMNS),
    })
  })
}
