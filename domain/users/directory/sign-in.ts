// Signing in with the Windows domain password. The server finds the user with the service
// account, then binds as him with the typed password: Deltica never trusts a name the client
// claims. The sign-in limiter reserves the guess BEFORE the bind, with a per-account cap
// (`directory_max_attempts`) below the domain's own lockout, so Deltica cannot lock a Windows
// account. A name with a local Deltica password never reaches the directory, so a directory
// that is down never blocks local accounts.
import type { Env } from '../../../runtime/endpoint.ts'
import { forbidden, HttpError, unauthorized } from '../../../runtime/errors.ts'
import { recordAudit } from '../../audit/record.ts'
import { settingsOf } from '../../settings/registry.ts'
import { guessSucceeded, reserveGuess, returnGuess } from '../limiter.ts'
import { issueSession, lockedError, signIn } from '../session.ts'
import { accountOfWindowsUser, createWindowsAccount } from './accounts.ts'
import { parseWindowsLogin, type DirectoryConfig } from './config.ts'
import { DirectoryDown, findDirectoryUser, mappedAccess, withServiceAccount } from './lookup.ts'
import {
  adRefusal,
  ppolicyRefusal,
  REFUSAL_MESSAGES,
  WRONG_CREDENTIALS,
  type BindRefusal,
} from './refusals.ts'

/** The sign-in of POST /api/auth/login: the Deltica password, or the domain's for a domain name. */
export async function signInWithPassword(env: Env, body: { username: string; password: string }) {
  const settings = await settingsOf(env)
  const config = settings.directory
  if (!config.enabled || !(await namesDomainUser(env, body.username))) return signIn(env, body)
  env.rateLimit(`login:${env.ip}`, settings.login_rate_per_minute, 60_000)
  return signInWithDomainPassword(env, body, config, settings.directory_max_attempts)
}

/** `DOMAIN\user` and `user@domain` always; a plain name unless it has a Deltica password. */
async function namesDomainUser(env: Env, name: string): Promise<boolean> {
  if (/[\\@]/.test(name)) return true
  const [local] = await env.sql<{ local: boolean }[]>`
    select password_hash is not null as local from users where lower(username) = lower(${name})`
  return !local?.local
}

type BindOutcome =
  | { refusal: BindRefusal }
  | { refusal: null; user: NonNullable<Awaited<ReturnType<typeof findDirectoryUser>>> }

async function signInWithDomainPassword(
  env: Env,
  body: { username: string; password: string },
  config: DirectoryConfig,
  cap: number,
) {
  const login = parseWindowsLogin(body.username, config)
  const tried = { entity: 'user', username: body.username }
  const audit = (action: string, changes: Record<string, unknown>, entityId?: number) =>
    recordAudit(env.sql, env, {
      ...tried,
      action,
      entityId,
      changes: { method: 'windows', ...changes },
    })
  if (!login) throw unauthorized(WRONG_CREDENTIALS)

  const guess = await reserveGuess(env, login.user, cap)
  if (guess.refused) {
    await audit('login_locked', {})
    throw lockedError(guess.refused, env.config.timeZone)
  }
  const outcome = await withServiceAccount(env, config, async (conn): Promise<BindOutcome> => {
    const user = await findDirectoryUser(conn, config, login)
    // an empty password would be an anonymous bind, which servers accept
    if (!user || !body.password) return { refusal: 'wrong_password' }
    const answer = await conn.bind(user.dn, body.password)
    if (!answer.ok)
      return { refusal: ppolicyRefusal(answer.ppolicyError) ?? adRefusal(answer.message) }
    if (user.disabled) return { refusal: 'disabled' }
    return { refusal: null, user }
  }).catch(async (e: unknown) => {
    if (e instanceof DirectoryDown) await returnGuess(env, guess, cap)
    throw e
  })
  if (outcome.refusal) {
    await audit(guess.locks ? 'login_lockout' : 'login_failure', { refusal: outcome.refusal })
    if (guess.locks) throw lockedError(guess.locks, env.config.timeZone)
    throw new HttpError(401, REFUSAL_MESSAGES[outcome.refusal], { reason: outcome.refusal })
  }
  await guessSucceeded(env, guess, cap)

  const { user } = outcome
  const access = mappedAccess(config, user)
  let account = await accountOfWindowsUser(env.sql, config, user)
  if (!access.role) {
    await audit('login_failure', { refusal: 'not_in_group' }, account?.id)
    throw forbidden(
      'Вашей учётной записи Windows не разрешён вход в Deltica (нет в группах доступа). Обратитесь к администратору',
    )
  }
  if (!account) {
    if (!config.create_users) {
      await audit('login_failure', { refusal: 'no_account' })
      throw forbidden(
        'Для вашей учётной записи Windows нет пользователя Deltica. Обратитесь к администратору Deltica',
      )
    }
    account = await createWindowsAccount(env, config, user, { ...access, role: access.role })
  }
  if (!account.active) {
    await audit('login_failure', { refusal: 'inactive' }, account.id)
    throw forbidden('Ваша учётная запись Deltica отключена. Обратитесь к администратору Deltica')
  }
  return issueSession(env, account, 'windows')
}
