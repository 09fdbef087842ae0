// Signing in and the session: the login with its lockout (after `lockout_attempts` failures in a
// row for `lockout_minutes`, 423) and per-IP rate limit (429), the same 401 whether the user
// exists or not (a dummy hash keeps the time equal), every attempt audited; logout and a password
// change revoke every older token (token_version).
import { hashPassword, signToken, timingDummyHash, verifyPassword } from '../../runtime/auth.ts'
import type { AuthedEnv, Env } from '../../runtime/endpoint.ts'
import { badRequest, HttpError, locked, unauthorized } from '../../runtime/errors.ts'
import { recordAudit } from '../audit/record.ts'
import { settingsOf } from '../settings/registry.ts'
import { findUserByName } from './accounts.ts'

const WRONG_CREDENTIALS = 'Неверный логин или пароль'

type SessionUser = {
  id: number
  username: string
  full_name: string
  department: string | null
  role: string
}

export const sessionUser = (u: SessionUser) => ({
  id: u.id,
  username: u.username,
  full_name: u.full_name,
  department: u.department,
  role: u.role,
})

const lockedError = (until: Date, timeZone: string) =>
  locked(
    `Учётная запись заблокирована после неудачных попыток входа до ${until.toLocaleTimeString('ru-RU', { hour: '2-digit', minute: '2-digit', timeZone })}`,
    { locked_until: until.toISOString() },
  )

/** {token, user} for the right password of an active, unlocked account; else 401, 423 or 429. */
export async function signIn(env: Env, body: { username: string; password: string }) {
  const settings = await settingsOf(env)
  env.rateLimit(`login:${env.ip}`, settings.login_rate_per_minute, 60_000)

  const user = await findUserByName(env.sql, body.username)
  if (user?.locked_until && user.locked_until > new Date()) {
    await recordAudit(env.sql, env, {
      action: 'login_locked',
      entity: 'user',
      entityId: user.id,
      username: user.username,
    })
    throw lockedError(user.locked_until, env.config.timeZone)
  }

  const [stored] = user
    ? await env.sql<
        { password_hash: string }[]
      >`select password_hash from users where id = ${user.id}`
    : [{ password_hash: await timingDummyHash() }]
  const valid = (await verifyPassword(body.password, stored.password_hash)) && !!user?.active

  if (!valid || !user) {
    if (user) {
      const [after] = await env.sql<{ failed_logins: number; locked_until: Date | null }[]>`
      update users set
        failed_logins = case
          when locked_until is not null and locked_until <= now() then 1
          else failed_logins + 1 end,
        locked_until = case
          when (case when locked_until is not null and locked_until <= now() then 1
                     else failed_logins + 1 end) >= ${settings.lockout_attempts}
            then now() + make_interval(mins => ${settings.lockout_minutes})
          when locked_until <= now() then null
          else locked_until end
      where id = ${user.id}
      returning failed_logins, locked_until`
      const nowLocked = after.locked_until && after.locked_until > new Date()
      await recordAudit(env.sql, env, {
        action: nowLocked ? 'login_lockout' : 'login_failure',
        entity: 'user',
        entityId: user.id,
        username: user.username,
        changes: { failed_logins: after.failed_logins },
      })
      if (nowLocked) throw lockedError(after.locked_until!, env.config.timeZone)
    } else {
      await recordAudit(env.sql, env, {
        action: 'login_failure',
        entity: 'user',
        username: body.username,
      })
    }
    throw unauthorized(WRONG_CREDENTIALS)
  }

  const [fresh] = await env.sql<{ token_version: number }[]>`
  update users set failed_logins = 0, locked_until = null
  where id = ${user.id}
  returning token_version`
  env.user = { ...sessionUser(user), role: user.role, token_version: fresh.token_version }
  await recordAudit(env.sql, env, { action: 'login_success', entity: 'user', entityId: user.id })
  const token = await signToken(
    { userId: user.id, tokenVersion: fresh.token_version },
    env.config.secretKey,
  )
  return { token, user: sessionUser(user) }
}

/** Revokes every token of the user. */
export async function signOut(env: AuthedEnv) {
  await env.sql`update users set token_version = token_version + 1 where id = ${env.user.id}`
  await recordAudit(env.sql, env, { action: 'logout', entity: 'user', entityId: env.user.id })
}

/** A new password for the user (the current one checked): older tokens revoked, a new one. */
export async function changePassword(
  env: AuthedEnv,
  body: { current_password: string; new_password: string },
) {
  const [row] = await env.sql<{ password_hash: string }[]>`
    select password_hash from users where id = ${env.user.id}`
  if (!(await verifyPassword(body.current_password, row.password_hash))) {
    throw new HttpError(400, 'Текущий пароль указан неверно', {
      fields: [{ field: 'current_password', message: 'Неверный пароль' }],
    })
  }
  if (body.current_password === body.new_password) {
    throw badRequest('Новый пароль совпадает с текущим', {
      fields: [{ field: 'new_password', message: 'Новый пароль совпадает с текущим' }],
    })
  }
  const [updated] = await env.sql<{ token_version: number }[]>`
    update users set
      password_hash = ${await hashPassword(body.new_password)},
      token_version = token_version + 1,
      updated_at = now()
    where id = ${env.user.id}
    returning token_version`
  await recordAudit(env.sql, env, {
    action: 'password_change',
    entity: 'user',
    entityId: env.user.id,
  })
  const token = await signToken(
    { userId: env.user.id, tokenVersion: updated.token_version },
    env.config.secretKey,
  )
  return { token, user: sessionUser(env.user) }
}
