// Every PostgreSQL advisory lock of the server, in one place: its key and what it guards, and the
// two ways to take one — waiting inside a transaction (released at commit) or trying on a reserved
// connection for the length of a task (a second caller gets BUSY instead of waiting). The numbers
// are arbitrary constants ("7415…" = deltica); they must never change, or replicas of two versions
// would stop excluding each other.
import type { PendingQuery, ReservedSql, Row } from 'postgres'
import type { Sql, TransactionSql } from './db.ts'

/** The key's arguments of pg_advisory_*: one bigint, or two integers. */
export type LockKey = (sql: Sql | TransactionSql) => PendingQuery<Row[]>

const single =
  (id: number): LockKey =>
  (sql) =>
    sql`${id}::bigint`
const pair =
  (group: number, id: number): LockKey =>
  (sql) =>
    sql`${group}::integer, ${id}::integer`
const named =
  (group: number, name: string): LockKey =>
  (sql) =>
    sql`${group}::integer, hashtext(${name})`

export const LOCKS = {
  /** applying migrations (two servers starting together) */
  migrations: single(7_415_001),
  /** creating the first admin */
  firstAdmin: single(7_415_002),
  /** one daily job, by name: exactly one replica runs it */
  job: (name: string) => named(7_415_100, name),
  /** a backup or a restore is running */
  backup: pair(7_415_101, 0),
  /** one account's sign-in attempts (lower-case name, existing or not): one reservation at a time */
  signIn: (account: string) => named(7_415_300, account),
  /** one rate-limit key (runtime/rate-limit.ts): checked and counted one request at a time */
  rateLimit: (key: string) => named(7_415_301, key),
  /** publishing or activating a desktop release (runtime/releases.ts) */
  releases: single(7_415_400),
  /** the recall e-mail digest is being sent (scheduled or "send now") */
  recallDigest: single(7_415_200),
} as const

/**
 * Keys taken in SQL, not from TypeScript: listed here so every key is in one place
 * (runtime/locks.test.ts checks the migrations take no other).
 */
export const SQL_LOCKS = {
  /** change_event_write() (migration 00016): event ids handed out in commit order */
  changeEvents: 7_230_030,
} as const

/** Waits for a transaction-level lock; released when the transaction ends. */
export async function lockTransaction(tx: TransactionSql, key: LockKey): Promise<void> {
  await tx`select pg_advisory_xact_lock(${key(tx)})`
}

/** What tryLock returns when another session holds the lock. */
export const BUSY = Symbol('busy')

/**
 * Runs `task` holding a session lock on a reserved connection (given to the task), or returns
 * BUSY at once when another session holds it. The lock is released and the connection returned
 * whatever the task does.
 */
export async function tryLock<T>(
  sql: Sql,
  key: LockKey,
  task: (conn: ReservedSql<{}>) => Promise<T>,
): Promise<T | typeof BUSY> {
  const conn = await sql.reserve()
  try {
    const [{ locked }] = await conn<{ locked: boolean }[]>`
      select pg_try_advisory_lock(${key(conn)}) as locked`
    if (!locked) return BUSY
    try {
      return await task(conn)
    } finally {
      await conn`select pg_advisory_unlock(${key(conn)})`
    }
  } finally {
    conn.release()
  }
}
