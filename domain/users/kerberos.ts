// Windows single sign-on (SPNEGO/Kerberos): the client's token is accepted with the server's
// keytab (runtime/kerberos.ts), its principal user@REALM is matched to the Deltica account by
// users.windows_username, and the usual token is issued (session.ts: same limiter, audit and
// token_version as a password sign-in).
//
// The matching rule: the principal's name (before @; a principal with a "/" is a service, never
// a person) equals, case-insensitively, the account-name part of windows_username, which may be
// written `user`, `DOMAIN\user` or `user@domain` (the sAMAccountName with or without its domain).
// The realm and the NetBIOS domain are not compared: which realms may reach the server is the
// domain's trust configuration. Two Deltica accounts with the same account name in different
// domains (`A\petrov`, `B\petrov`) are refused as ambiguous.
import { HttpError, json } from '../../runtime/errors.ts'
import type { Env } from '../../runtime/endpoint.ts'
import {
  GssConfigError,
  GssRefused,
  kerberos,
  keytabProblem,
  type Refusal,
} from '../../runtime/kerberos.ts'
import { recordAudit } from '../audit/record.ts'
import { settingsOf } from '../settings/registry.ts'
import type { UserRow } from './accounts.ts'
import { guessSucceeded, reserveGuess } from './limiter.ts'
import { issueSession, lockedError } from './session.ts'

const UNAVAILABLE = 'Вход через Windows недоступен'

/** Whether Windows sign-in can work here, and the reason in Russian when it cannot. */
export async function ssoStatus(env: Env): Promise<{ available: boolean; message: string | null }> {
  const reason = await unavailableReason(env)
  return reason
    ? { available: false, message: `${UNAVAILABLE}: ${reason}` }
    : { available: true, message: null }
}

async function unavailableReason(env: Env): Promise<string | null> {
  const conf = env.config.kerberos
  if (!conf) return 'сервер не настроен (не заданы KERBEROS_SPN и KRB5_KTNAME)'
  if (!(await settingsOf(env)).windows_sso_enabled) return 'отключён администратором в настройках'
  const sso = await kerberos()
  if (!sso.ok) return sso.reason
  return keytabProblem(conf.keytab)
}

/** `alice@CORP.LOCAL` → `alice`; null for a service principal (`HTTP/host@REALM`). */
export function accountNameOf(principal: string): string | null {
  const at = principal.lastIndexOf('@')
  const name = at >= 0 ? principal.slice(0, at) : principal
  if (!name || name.includes('/') || name.includes('\\')) return null
  return name
}

/** The challenge that tells the client (Chromium, curl) to send a Kerberos token. */
const CHALLENGE = { 'www-authenticate': 'Negotiate' }

const challenge = (message: string) => new HttpError(401, message, {}, CHALLENGE)

const REFUSED: Record<Refusal, string> = {
  replay: 'Билет Kerberos уже был предъявлен (повтор): вход отклонён',
  wrong_service:
    'Билет Kerberos выдан для другой службы, а не для этого сервера Deltica: вход отклонён',
  invalid: 'Билет Kerberos не прошёл проверку: вход отклонён',
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

/** The base64 token of `Authorization: Negotiate <token>`; 401 with the challenge otherwise. */
function negotiateToken(authorization: string | null): string {
  if (!authorization) throw challenge('Требуется вход через Windows (Kerberos)')
  const m = /^Negotiate\s+(\S+)\s*$/i.exec(authorization)
  if (!m || !BASE64.test(m[1]) || m[1].length > 64 * 1024)
    throw challenge('Заголовок Authorization не содержит билета Kerberos (Negotiate)')
  return m[1]
}

async function refuse(
  env: Env,
  status: 401 | 403,
  message: string,
  audit: { refusal: string; principal?: string; user?: Pick<UserRow, 'id' | 'username'> },
): Promise<never> {
  await recordAudit(env.sql, env, {
    action: 'login_failure',
    entity: 'user',
    entityId: audit.user?.id,
    username: audit.user?.username ?? audit.principal,
    changes: {
      method: 'kerberos',
      refusal: audit.refusal,
      ...(audit.principal ? { principal: audit.principal } : {}),
    },
  })
  throw status === 401 ? challenge(message) : new HttpError(403, message)
}

/** POST /api/auth/negotiate: {token, user} for a valid Kerberos token of a Deltica account. */
export async function signInWithKerberos(env: Env, authorization: string | null) {
  // not configured, switched off, no module or keytab: this server has no Windows sign-in (404);
  // a keytab without the service's key found while accepting is a fault of the server (503)
  const reason = await unavailableReason(env)
  if (reason) throw new HttpError(404, `${UNAVAILABLE}: ${reason}`)
  const token = negotiateToken(authorization)
  const settings = await settingsOf(env)
  await env.rateLimit(`login:${env.ip}`, settings.login_rate_per_minute, 60_000)

  const sso = await kerberos()
  if (!sso.ok) throw new HttpError(404, `${UNAVAILABLE}: ${sso.reason}`)
  const spn = env.config.kerberos!.spn
  let accepted
  try {
    accepted = await sso.accept(token, spn)
  } catch (error) {
    if (error instanceof GssRefused) {
      env.log.info('kerberos token refused', { refusal: error.refusal, error: error.message })
      return refuse(env, 401, REFUSED[error.refusal], { refusal: error.refusal })
    }
    if (error instanceof GssConfigError) {
      env.log.error('kerberos: the keytab has no key of the service', { spn, error: error.message })
      throw new HttpError(503, `${UNAVAILABLE}: в файле ключей нет ключа службы ${spn}`)
    }
    throw error
  }

  const { principal } = accepted
  const name = accountNameOf(principal)
  if (!name)
    return refuse(env, 403, `${principal} — не учётная запись пользователя: вход отклонён`, {
      refusal: 'not_a_user',
      principal,
    })
  const users = await env.sql<(UserRow & { windows_username: string })[]>`
    select id, username, full_name, department, role, active, windows_username
    from users
    where windows_username is not null
      and lower(regexp_replace(regexp_replace(windows_username, '^.*\\\\', ''), '@.*$', ''))
        = lower(${name})`
  if (users.length === 0)
    return refuse(
      env,
      403,
      `Учётная запись Windows ${principal} не связана с пользователем Deltica. Обратитесь к администратору`,
      { refusal: 'no_account', principal },
    )
  if (users.length > 1)
    return refuse(
      env,
      403,
      `Учётная запись Windows ${principal} связана с несколькими пользователями Deltica (${users.map((u) => u.username).join(', ')}). Обратитесь к администратору`,
      { refusal: 'ambiguous', principal },
    )
  const [user] = users
  if (!user.active)
    return refuse(env, 403, 'Учётная запись отключена. Обратитесь к администратору', {
      refusal: 'inactive',
      principal,
      user,
    })

  // the account's lock (after wrong passwords) holds for Windows sign-in too
  const guess = await reserveGuess(env, user.username)
  if (guess.refused) {
    await recordAudit(env.sql, env, {
      action: 'login_locked',
      entity: 'user',
      entityId: user.id,
      username: user.username,
      changes: { method: 'kerberos', principal },
    })
    throw lockedError(guess.refused, env.config.timeZone)
  }
  await guessSucceeded(env, guess)
  const session = await issueSession(env, user, 'kerberos')
  // mutual authentication: the acceptor's answer goes back to the client
  return json(
    session,
    200,
    accepted.response ? { 'www-authenticate': `Negotiate ${accepted.response}` } : {},
  )
}
