// Departments: the reference table behind every department label (UI, documents, exports).
//   GET    /api/departments         user   [{code, label, sort_order}]
//   POST   /api/departments         admin  {code, label, sort_order?}
//   PATCH  /api/departments/:code   admin  {label?, sort_order?}
//   DELETE /api/departments/:code   admin  only when nothing refers to it (else 409)
import { z } from 'zod'
import { endpoint } from '../runtime/endpoint.ts'
import { json, notFound } from '../runtime/errors.ts'
import { diffFields, recordAudit } from '../domain/audit/record.ts'

const api = endpoint(import.meta.url)

const Code = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'Код: латинские строчные буквы, цифры, подчёркивание')
const Label = z.string().trim().min(1, 'Введите название').max(100)
const CodeParams = z.object({ code: Code })

api.get('/', { auth: 'user', summary: 'Подразделения' }, async (_req, env) => {
  const items = await env.sql`
    select code, label, sort_order
    from departments
    order by sort_order, label`
  return { items }
})

api.post(
  '/',
  {
    auth: 'admin',
    summary: 'Добавить подразделение',
    body: z
      .object({
        code: Code,
        label: Label,
        sort_order: z.number().int().min(0).max(10_000).default(100),
      })
      .strict(),
  },
  async (_req, env, { body }) => {
    const row = await env.sql.begin(async (tx) => {
      const [created] = await tx`
        insert into departments (code, label, sort_order)
        values (${body.code}, ${body.label}, ${body.sort_order})
        returning code, label, sort_order`
      await recordAudit(tx, env, {
        action: 'department_create',
        entity: 'department',
        entityId: body.code,
        changes: diffFields({}, created),
      })
      return created
    })
    return json(row, 201)
  },
)

api.patch(
  '/:code',
  {
    auth: 'admin',
    summary: 'Изменить подразделение',
    params: CodeParams,
    body: z
      .object({
        label: Label.optional(),
        sort_order: z.number().int().min(0).max(10_000).optional(),
      })
      .strict(),
  },
  async (_req, env, { params, body }) =>
    env.sql.begin(async (tx) => {
      const [before] =
        await tx`select code, label, sort_order from departments where code = ${params.code} for update`
      if (!before) throw notFound('Подразделение не найдено')
      const [after] = await tx`
        update departments set
          label = ${body.label ?? before.label},
          sort_order = ${body.sort_order ?? before.sort_order}
        where code = ${params.code}
        returning code, label, sort_order`
      await recordAudit(tx, env, {
        action: 'department_update',
        entity: 'department',
        entityId: params.code,
        changes: diffFields(before, after),
      })
      return after
    }),
)

api.delete(
  '/:code',
  { auth: 'admin', summary: 'Удалить неиспользуемое подразделение', params: CodeParams },
  async (_req, env, { params }) =>
    env.sql.begin(async (tx) => {
      const [gone] =
        await tx`delete from departments where code = ${params.code} returning code, label, sort_order`
      if (!gone) throw notFound('Подразделение не найдено')
      await recordAudit(tx, env, {
        action: 'department_delete',
        entity: 'department',
        entityId: params.code,
        changes: diffFields(gone, {}),
      })
      return { ok: true }
    }),
)

export default api
