// User administration (admins only; users are deactivated, never deleted): domain/users/accounts.ts.
//   GET   /api/users       list with lockout state
//   POST  /api/users       create {username, full_name, email?, department, role, password, active?}
//   PATCH /api/users/:id   {full_name?, email?, department?, role?, active?, password?, unlock?: true}
import { IdParams, Items, UserView } from '../domain/schemas.ts'
import { addUser, changeUser, listUsers, UserCreate, UserUpdate } from '../domain/users/accounts.ts'
import { endpoint } from '../runtime/endpoint.ts'

const api = endpoint(import.meta.url)

api.get(
  '/',
  { auth: 'admin', summary: 'Список пользователей', response: Items(UserView) },
  async (_req, env) => ({
    items: await listUsers(env.sql),
  }),
)

api.post(
  '/',
  {
    auth: 'admin',
    summary: 'Создать пользователя',
    status: 201,
    response: UserView,
    body: UserCreate,
  },
  (_req, env, { body }) => addUser(env, body),
)

api.patch(
  '/:id',
  {
    auth: 'admin',
    summary: 'Изменить пользователя, сбросить пароль, разблокировать',
    response: UserView,
    params: IdParams,
    body: UserUpdate,
  },
  (_req, env, { params, body }) => changeUser(env, params.id, body),
)

export default api
