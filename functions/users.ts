// User administration (admins only; users are deactivated, never deleted).
//   GET   /api/users       list with lockout state
//   POST  /api/users       create {username, full_name, email?, department, role, password, active?}
//   PATCH /api/users/:id   {full_name?, email?, department?, role?, active?, password?, unlock?: true}
import { endpoint } from '../runtime/endpoint.ts'
import { json, notFound } from '../runtime/errors.ts'
import { diffFields, recordAudit } from '../domain/audit/record.ts'
import { IdParams } from '../domain/schemas.ts'
import {
  AUDITED_USER_FIELDS,
  createUser,
  updateUser,
  UserCreate,
  UserUpdate,
  userView,
  type UserRow,
} from '../domain/users/accounts.ts'

const api = endpoint(import.meta.url)

api.get('/', { auth: 'admin', summary: 'Список пользователей' }, async (_req, env) => {
  const rows = await env.sql<UserRow[]>`
    select id, username, full_name, department, role, active, failed_logins, locked_until, token_version, email
    from users
    order by lower(username)`
  return { items: rows.map(userView) }
})

api.post(
  '/',
  { auth: 'admin', summary: 'Создать пользователя', body: UserCreate },
  async (_req, env, { body }) => {
    const user = await env.sql.begin(async (tx) => {
      const created = await createUser(tx, body)
      await recordAudit(tx, env, {
        action: 'user_create',
        entity: 'user',
        entityId: created.id,
        changes: diffFields({}, userView(created), ['username', ...AUDITED_USER_FIELDS]),
      })
      return created
    })
    return json(userView(user), 201)
  },
)

api.patch(
  '/:id',
  {
    auth: 'admin',
    summary: 'Изменить пользователя, сбросить пароль, разблокировать',
    params: IdParams,
    body: UserUpdate,
  },
  async (_req, env, { params, body }) => {
    const result = await env.sql.begin(async (tx) => {
      const changed = await updateUser(tx, params.id, body)
      if (!changed) throw notFound('Пользователь не найден')
      const changes = diffFields(
        userView(changed.before),
        userView(changed.after),
        AUDITED_USER_FIELDS,
      )
      if (body.password) changes.password = { old: '***', new: '***' }
      await recordAudit(tx, env, {
        action: body.unlock ? 'user_unlock' : 'user_update',
        entity: 'user',
        entityId: params.id,
        changes,
      })
      return changed.after
    })
    return userView(result)
  },
)

export default api
