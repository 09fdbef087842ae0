// Departments: the reference table behind every department label (domain/departments.ts).
//   GET    /api/departments         user   [{code, label, sort_order, version}]
//   POST   /api/departments         admin  {code, label, sort_order?}
//   PATCH  /api/departments/:code   admin  {label?, sort_order?, version} (stale version → 409)
//   DELETE /api/departments/:code   admin  only when nothing refers to it (else 409)
import { z } from 'zod'
import {
  createDepartment,
  deleteDepartment,
  listDepartments,
  updateDepartment,
} from '../domain/departments.ts'
import { DepartmentView, Items, Version } from '../domain/schemas.ts'
import { endpoint } from '../runtime/endpoint.ts'

const api = endpoint(import.meta.url)

const Code = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'Код: латинские строчные буквы, цифры, подчёркивание')
const Label = z.string().trim().min(1, 'Введите название').max(100)
const CodeParams = z.object({ code: Code })

api.get(
  '/',
  { auth: 'user', summary: 'Подразделения', response: Items(DepartmentView) },
  async (_req, env) => ({
    items: await listDepartments(env.sql),
  }),
)

api.post(
  '/',
  {
    auth: 'admin',
    summary: 'Добавить подразделение',
    status: 201,
    response: DepartmentView,
    body: z
      .object({
        code: Code,
        label: Label,
        sort_order: z.number().int().min(0).max(10_000).default(100),
      })
      .strict(),
  },
  (_req, env, { body }) => createDepartment(env, body),
)

api.patch(
  '/:code',
  {
    auth: 'admin',
    summary: 'Изменить подразделение',
    response: DepartmentView,
    params: CodeParams,
    body: z
      .object({
        label: Label.optional(),
        sort_order: z.number().int().min(0).max(10_000).optional(),
        version: Version,
      })
      .strict(),
  },
  (_req, env, { params, body }) => updateDepartment(env, params.code, body),
)

api.delete(
  '/:code',
  {
    auth: 'admin',
    summary: 'Удалить неиспользуемое подразделение',
    status: 204,
    params: CodeParams,
  },
  async (_req, env, { params }) => {
    await deleteDepartment(env, params.code)
  },
)

export default api
