// Signing in and the session: every check of a password first reserves a guess with the sign-in
// limiter (domain/users/limiter.ts; 423 once the guesses are spent, the right password too), plus
// the per-address rate limit (429); the same 401 whether the user exists or not (a dummy hash
// keeps the time equal), every attempt audited; logout and a password change revoke every older
// token (token_version).
import {
  hashPassword,
  needsRehash,
  signToken,
  timingDummyHash,
  verifyPassword,
} from '../../runtime/auth.ts'
import type { AuthedEnv, Env } from '../../runtime/endpoint.ts'
import { badRequest, HttpError, locked, unauthorized } from '../../runtime/errors.ts'
import { recordAudit } from '../audit/record.ts'
import { userChanged } from '../../runtime/user-cache.ts'
import { settingsOf } from '../settings/registry.ts'
import { assertPassword, findUserByName } from './accounts.ts'
import { WRONG_CREDENTIALS } from './directory/refusals.ts'
import { guessSucceeded, reserveGuess } from './limiter.ts'

type SessionUser = {
  id: number
  username: string
  full_name: string
  department: string | null
  role: 'admin' | 'laborant'
}

export const sessionUser = (u: SessionUser) => ({
  id: u.id,
  username: u.username,
  full_name: u.full_name,
  department: u.department,
  role: u.role,
})

export const lockedError = (until: Date, timeZone: string) =>
  locked(
    `Учётная запись заблокирована после неудачных попыток входа до ${until.toLocaleTimeString('ru-RU', { hour: '2-digit', minute: '2-digit', timeZone })}`,
    { locked_until: until.toISOString() },
  )

/** {token, user} for the right password of an active, unlocked account; else 401, 423 or 429. */
export async function signIn(env: Env, body: { username: string; password: string }) {
  const settings = await settingsOf(env)
  await env.rateLimit(`login:${env.ip}`, settings.login_rate_per_minute, 60_000)

  const user = await findUserByName(env.sql, body.username)
  const who = user ? { entityId: user.id, username: user.username } : { username: body.username }
  const guess = await reserveGuess(env, body.username)
  if (guess.refused) {
    await recordAudit(env.sql, env, { action: 'login_locked', entity: 'user', ...who })
    throw lockedError(guess.refused, env.config.timeZone)
  }

  const [stored] = user
    ? await env.sql<
        { password_hash: string | null }[]
      >`select password_hash from users where id = ${user.id}`
    : [{ password_hash: null }]
  // no local password (a Windows-only account brought from Deltica 1.x): checked against the
  // dummy hash, so the answer is the same 401 and takes as long as for a wrong password
  const hash = stored.password_hash
  const matches = await verifyPassword(body.password, hash ?? (await timingDummyHash()))
  const valid = hash !== null && matches && !!user?.active

  if (!valid || !user) {
    await recordAudit(env.sql, env, {
      action: guess.locks ? 'login_lockout' : 'login_failure',
      entity: 'user',
      ...who,
    })
    if (guess.locks) throw lockedError(guess.locks, env.config.timeZone)
    throw unauthorized(WRONG_CREDENTIALS)
  }

  await guessSucceeded(env, guess)
  // a hash of an older KDF (bcrypt from Deltica 1.x) is replaced by the current one
  if (needsRehash(hash)) {
    await env.sql`update users set password_hash = ${await hashPassword(body.password)}
                  where id = ${user.id} and password_hash = ${hash}`
    await recordAudit(env.sql, env, {
      action: 'password_rehash',
      entity: 'user',
      entityId: user.id,
    })
  }
  return issueSession(env, user, 'password')
}

/** How a user proved who he is: a Deltica password, the Windows domain password, Kerberos. */
export type SignInMethod = 'password' | 'windows' | 'kerberos'

/**
 * The usual {token, user} for an account whose owner has been proven by `method` (a checked
 * password, a domain bind, a Kerberos ticket), the sign-in audited with its method. The caller
 * has checked that the account is active.
 */
export async function issueSession(env: Env, user: SessionUser, method: SignInMethod) {
  const [fresh] = await env.sql<{ token_version: number }[]>`
  select token_version from users where id = ${user.id}`
  env.user = { ...sessionUser(user), role: user.role, token_version: fresh.token_version }
  await recordAudit(env.sql, env, {
    action: 'login_success',
    entity: 'user',
    entityId: user.id,
    changes: { method },
  })
  const token = await signToken(
    { userId: user.id, tokenVersion: fresh.token_version },
    env.config.secretKey,
  )
  return { token, user: sessionUser(user) }
}

/** Revokes every token of the user. */
export async function signOut(env: AuthedEnv) {
  await env.sql`update users set token_version = token_version + 1 where id = ${env.user.id}`
  await userChanged(env.bus, env.user.id)
  await recordAudit(env.sql, env, { action: 'logout', entity: 'user', entityId: env.user.id })
}

/** A new password for the user (the current one checked): older tokens revoked, a new one. */
export async function changePassword(
  env: AuthedEnv,
  body: { current_password: string; new_password: string },
) {
  const guess = await reserveGuess(env, env.user.username)
  if (guess.refused) throw lockedError(guess.refused, env.config.timeZone)
  const [row] = await env.sql<{ password_hash: string | null }[]>`
    select password_hash from users where id = ${env.user.id}`
  const matches = await verifyPassword(
    body.current_password,
    row.password_hash ?? (await timingDummyHash()),
  )
  if (!matches || row.password_hash === null) {
    await recordAudit(env.sql, env, {
      action: guess.locks ? 'password_change_lockout' : 'password_change_failure',
      entity: 'user',
      entityId: env.user.id,
    })
    if (guess.locks) throw lockedError(guess.locks, env.config.timeZone)
    throw new HttpError(400, 'Текущий пароль указан неверно', {
      fields: [{ field: 'current_password', message: 'Неверный пароль' }],
    })
  }
  await guessSucceeded(env, guess)
  assertPassword(body.new_password, env.user.username, 'new_password')
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
  await userChanged(env.bus, env.user.id)
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
