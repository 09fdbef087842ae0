// The contracts notebook (Баланс по договорам), admins only (domain/contracts.ts).
//   GET    /api/contracts?q=&limit=&offset=   {items, total, totals:{contract_amount, spent_amount, balance}}
//   GET    /api/contracts/:id
//   POST   /api/contracts                     create
//   PUT    /api/contracts/:id                 replace the editable fields (version → 409 when stale)
//   DELETE /api/contracts/:id
import { z } from 'zod'
import {
  createContract,
  deleteContract,
  findContract,
  listContracts,
  updateContract,
} from '../domain/contracts.ts'
import {
  ContractView,
  DateString,
  IdParams,
  PageOf,
  Paging,
  Version,
  queryText,
} from '../domain/schemas.ts'
import { endpoint } from '../runtime/endpoint.ts'

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

api.get(
  '/',
  {
    auth: 'admin',
    summary: 'Договоры: список с остатками',
    response: PageOf(ContractView).extend({
      totals: z.object({
        contract_amount: z.number(),
        spent_amount: z.number(),
        balance: z.number(),
      }),
    }),
    query: z.object({ q: queryText(), ...Paging }),
  },
  (_req, env, { query }) => listContracts(env.sql, query),
)

api.get(
  '/:id',
  { auth: 'admin', summary: 'Договор', params: IdParams, response: ContractView },
  (_req, env, { params }) => findContract(env.sql, params.id),
)

api.post(
  '/',
  {
    auth: 'admin',
    summary: 'Добавить договор',
    body: Fields,
    status: 201,
    response: ContractView,
  },
  (_req, env, { body }) => createContract(env, body),
)

api.put(
  '/:id',
  {
    auth: 'admin',
    summary: 'Изменить договор',
    response: ContractView,
    params: IdParams,
    body: Fields.extend({ version: Version }),
  },
  (_req, env, { params, body }) => {
    const { version, ...fields } = body
    return updateContract(env, params.id, fields, version)
  },
)

api.delete(
  '/:id',
  { auth: 'admin', summary: 'Удалить договор', status: 204, params: IdParams },
  async (_req, env, { params }) => {
    await deleteContract(env, params.id)
  },
)

export default api
