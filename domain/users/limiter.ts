// The sign-in limiter: every check of a password (login, password change) first reserves a
// guess here, atomically, before the slow hash. Counters live in PostgreSQL (sign_in_attempts,
// migration 00009) so replicas share them: per account and client address (`lockout_attempts`,
// so a stranger elsewhere cannot lock the owner out) and per account across addresses
// (`lockout_account_attempts`), each for `lockout_minutes`. Names that do not exist are counted
// the same way (no enumeration). A success clears the account-and-address counter.
import type { Sql, TransactionSql } from '../../runtime/db.ts'
import type { Env } from '../../runtime/endpoint.ts'
import { LOCKS, lockTransaction } from '../../runtime/locks.ts'
import { settingsOf } from '../settings/registry.ts'

/** The counter across all addresses of an account. */
const ACCOUNT = ''

export type Reservation =
  /** refused without checking: locked until then */
  | { refused: Date }
  /** one guess reserved; `locks` = the lock's end when this guess, if wrong, was the last allowed */
  | { refused: null; account: string; address: string; locks: Date | null }

const accountOf = (username: string) => username.trim().toLowerCase()

/** users.failed_logins / locked_until show the admin the account's counters (the list, unlock). */
async function showOnUser(tx: TransactionSql, account: string, limits: Limits) {
  await tx`
    update users set
      failed_logins = coalesce((
        select attempts from sign_in_attempts
        where account = ${account} and address = ${ACCOUNT} and until > now()), 0),
      locked_until = (
        select max(until) from sign_in_attempts
        where account = ${account} and until > now()
          and attempts >= case when address = ${ACCOUNT} then ${limits.account}::int else ${limits.address}::int end)
    where lower(username) = ${account}`
}

interface Limits {
  address: number
  account: number
  minutes: number
}

/** `cap`: a lower limit for both counters (a Windows account: below the domain's lockout). */
async function limitsOf(env: Env, cap = Infinity): Promise<Limits> {
  const settings = await settingsOf(env)
  return {
    address: Math.min(settings.lockout_attempts, cap),
    account: Math.min(settings.lockout_account_attempts, cap),
    minutes: settings.lockout_minutes,
  }
}

/** Reserves one guess at `username`'s password from the request's address, or refuses it. */
export async function reserveGuess(env: Env, username: string, cap?: number): Promise<Reservation> {
  const limits = await limitsOf(env, cap)
  const account = accountOf(username)
  const address = env.ip || 'unknown' // never '' (the account-wide counter)
  if (Math.random() < 0.02) await sweep(env.sql)
  return env.sql.begin(async (tx) => {
    await lockTransaction(tx, LOCKS.signIn(account))
    const [blocked] = await tx<{ until: Date }[]>`
      select max(until) as until from sign_in_attempts
      where account = ${account} and until > now() and (
        (address = ${address} and attempts >= ${limits.address}::int) or
        (address = ${ACCOUNT} and attempts >= ${limits.account}::int))
      having max(until) is not null`
    if (blocked) return { refused: blocked.until }
    const counted = await tx<{ address: string; attempts: number; until: Date }[]>`
      insert into sign_in_attempts as a (account, address, attempts, until)
      values
        (${account}, ${ACCOUNT}, 1, now() + make_interval(mins => ${limits.minutes}::int)),
        (${account}, ${address}, 1, now() + make_interval(mins => ${limits.minutes}::int))
      on conflict (account, address) do update set
        attempts = case when a.until <= now() then 1 else a.attempts + 1 end,
        until = case
          when a.until <= now() then excluded.until
          when a.attempts + 1 >= case when a.address = ${ACCOUNT} then ${limits.account}::int
                                      else ${limits.address}::int end then excluded.until
          else a.until end
      returning address, attempts, until`
    const locking = counted.filter(
      (r) => r.attempts >= (r.address === ACCOUNT ? limits.account : limits.address),
    )
    await showOnUser(tx, account, limits)
    const locks = locking.length ? new Date(Math.max(...locking.map((r) => +r.until))) : null
    return { refused: null, account, address, locks }
  })
}

/** The guess was right: the account-and-address counter cleared, the guess uncounted overall. */
export async function guessSucceeded(
  env: Env,
  guess: Extract<Reservation, { refused: null }>,
  cap?: number,
) {
  const limits = await limitsOf(env, cap)
  await env.sql.begin(async (tx) => {
    await lockTransaction(tx, LOCKS.signIn(guess.account))
    await tx`delete from sign_in_attempts
             where account = ${guess.account} and address = ${guess.address}`
    await tx`update sign_in_attempts set attempts = greatest(attempts - 1, 0)
             where account = ${guess.account} and address = ${ACCOUNT}`
    await showOnUser(tx, guess.account, limits)
  })
}

/** The password could not be checked (the directory is down): the guess is not counted. */
export async function returnGuess(
  env: Env,
  guess: Extract<Reservation, { refused: null }>,
  cap?: number,
) {
  const limits = await limitsOf(env, cap)
  await env.sql.begin(async (tx) => {
    await lockTransaction(tx, LOCKS.signIn(guess.account))
    await tx`update sign_in_attempts set attempts = greatest(attempts - 1, 0)
             where account = ${guess.account} and address in (${guess.address}, ${ACCOUNT})`
    await showOnUser(tx, guess.account, limits)
  })
}

/** An admin's unlock: every counter of the account, from every address, forgotten. */
export async function clearGuesses(tx: TransactionSql, username: string) {
  await tx`delete from sign_in_attempts where account = ${accountOf(username)}`
}

/** Counters whose window ended a day ago are of no use (names tried once, addresses gone). */
async function sweep(sql: Sql) {
  await sql`delete from sign_in_attempts where until < now() - interval '1 day'`
}
