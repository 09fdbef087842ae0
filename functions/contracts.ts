// The contracts notebook (Баланс по договорам), admins only. `balance` = amount − spent
// is a generated column; `current_balance` is typed by hand.
//   GET    /api/contracts?q=&limit=&offset=   {items, total, totals:{contract_amount, spent_amount, balance}}
//   GET    /api/contracts/:id
//   POST   /api/contracts                     create
//   PUT    /api/contracts/:id                 replace the editable fields (version → 409 when stale)
//   DELETE /api/contracts/:id
import { z } from 'zod'
import { endpoint } from '../runtime/endpoint.ts'
import { conflict, json, notFound } from '../runtime/errors.ts'
import { diffFields, recordAudit } from '../domain/audit/record.ts'
import { DateString, IdParams, Paging, queryText } from '../domain/schemas.ts'

const api = endpoint(import.meta.url)

const Amount = z
  .number({ message: 'Введите сумму числом' })
  .min(0, 'Сумма не может быть отрицательной')
  .max(99_999_999_999_999, 'Слишком большая сумма')
  .refine(
    (v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6,
    'Не больше двух знаков после запятой',
  )

const Fields = z
  .object({
    executor_name: z.string().trim().min(1, 'Укажите исполнителя').max(300),
    contract_number: z.string().trim().min(1, 'Укажите номер договора').max(100),
    valid_until: DateString.nullable().default(null),
    contract_amount: Amount.default(0),
    spent_amount: Amount.default(0),
    current_balance: z
      .number({ message: 'Введите сумму числом' })
      .min(-99_999_999_999_999)
      .max(99_999_999_999_999)
      .nullable()
      .default(null),
    notes: z.string().trim().max(2000).nullable().default(null),
  })
  .strict()

const COLUMNS = [
  'executor_name',
  'contract_number',
  'valid_until',
  'contract_amount',
  'spent_amount',
  'current_balance',
  'notes',
] as const

const select = (sql: import('../runtime/db.ts').Sql) => sql`
  id, executor_name, contract_number, valid_until, contract_amount, spent_amount, balance,
  current_balance, notes, version, created_at, updated_at`

api.get(
  '/',
  {
    auth: 'admin',
    summary: 'Договоры: список с остатками',
    query: z.object({ q: queryText(), ...Paging }),
  },
  async (_req, env, { query }) => {
    const sql = env.sql
    const pattern = query.q?.trim() ? `%${query.q.trim().replace(/[\\%_]/g, '\\$&')}%` : null
    const where = pattern
      ? sql`where executor_name ilike ${pattern} or contract_number ilike ${pattern}`
      : sql``
    const [items, [totals]] = await Promise.all([
      sql`
        select ${select(sql)}
        from contracts
        ${where}
        order by lower(executor_name), id
        limit ${query.limit}
        offset ${query.offset}`,
      sql`
        select
          count(*)::int as total,
          coalesce(sum(contract_amount), 0) as contract_amount,
          coalesce(sum(spent_amount), 0) as spent_amount,
          coalesce(sum(balance), 0) as balance
        from contracts
        ${where}`,
    ])
    const { total, ...sums } = totals
    return { items, total, totals: sums }
  },
)

api.get(
  '/:id',
  { auth: 'admin', summary: 'Договор', params: IdParams },
  async (_req, env, { params }) => {
    const [row] = await env.sql`select ${select(env.sql)} from contracts where id = ${params.id}`
    if (!row) throw notFound('Договор не найден')
    return row
  },
)

api.post(
  '/',
  { auth: 'admin', summary: 'Добавить договор', body: Fields },
  async (_req, env, { body }) => {
    const row = await env.sql.begin(async (tx) => {
      const [created] = await tx`
      insert into contracts ${tx(body, ...COLUMNS)}
      returning ${select(tx as any)}`
      await recordAudit(tx, env, {
        action: 'contract_create',
        entity: 'contract',
        entityId: created.id,
        changes: diffFields({}, created, COLUMNS),
      })
      return created
    })
    return json(row, 201)
  },
)

api.put(
  '/:id',
  {
    auth: 'admin',
    summary: 'Изменить договор',
    params: IdParams,
    body: Fields.extend({ version: z.number().int().positive().optional() }),
  },
  async (_req, env, { params, body }) =>
    env.sql.begin(async (tx) => {
      const [before] = await tx`
        select ${select(tx as any)} from contracts where id = ${params.id} for update`
      if (!before) throw notFound('Договор не найден')
      if (body.version !== undefined && body.version !== before.version) {
        throw conflict('Договор уже изменён другим пользователем, обновите данные', {
          current: before,
        })
      }
      const { version: _, ...fields } = body
      const [after] = await tx`
        update contracts set
          ${tx(fields, ...COLUMNS)},
          version = version + 1,
          updated_at = now(),
          updated_by = ${env.user.id}
        where id = ${params.id}
        returning ${select(tx as any)}`
      await recordAudit(tx, env, {
        action: 'contract_update',
        entity: 'contract',
        entityId: params.id,
        changes: diffFields(before, after, COLUMNS),
      })
      return after
    }),
)

api.delete(
  '/:id',
  { auth: 'admin', summary: 'Удалить договор', params: IdParams },
  async (_req, env, { params }) =>
    env.sql.begin(async (tx) => {
      const [gone] =
        await tx`delete from contracts where id = ${params.id} returning ${select(tx as any)}`
      if (!gone) throw notFound('Договор не найден')
      await recordAudit(tx, env, {
        action: 'contract_delete',
        entity: 'contract',
        entityId: params.id,
        changes: diffFields(gone, {}, COLUMNS),
      })
      return { ok: true }
    }),
)

export default api
