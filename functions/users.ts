// User administration (admins only; users are deactivated, never deleted): domain/users/accounts.ts.
//   GET   /api/users       list with lockout state
//   POST  /api/users       create {username, full_name, email?, department, role, password, active?}
//   PATCH /api/users/:id   {full_name?, email?, department?, role?, active?, password?, unlock?: true}
import { IdParams } from '../domain/schemas.ts'
import { addUser, changeUser, listUsers, UserCreate, UserUpdate } from '../domain/users/accounts.ts'
import { endpoint } from '../runtime/endpoint.ts'
import { json } from '../runtime/errors.ts'

const api = endpoint(import.meta.url)

api.get('/', { auth: 'admin', summary: 'Список пользователей' }, async (_req, env) => ({
  items: await listUsers(env.sql),
}))

api.post(
  '/',
  { auth: 'admin', summary: 'Создать пользователя', body: UserCreate },
  async (_req, env, { body }) => json(await addUser(env, body), 201),
)

api.patch(
  '/:id',
  {
    auth: 'admin',
    summary: 'Изменить пользователя, сбросить пароль, разблокировать',
    params: IdParams,
    body: UserUpdate,
  },
  (_req, env, { params, body }) => changeUser(env, params.id, body),
)

export default api
