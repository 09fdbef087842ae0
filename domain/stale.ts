// The one 409 an edit with a stale `version` gets, for every editable record: the message, the
// record as it is now, who changed it last and when (docs/api-conventions.md).
import type { Sql, TransactionSql } from '../runtime/db.ts'
import { conflict, type HttpError } from '../runtime/errors.ts'

const STALE_MESSAGE = 'Запись уже изменил другой пользователь. Обновите данные и повторите'

/** Throws the stale-version 409 when the client's version is not the record's. */
export async function checkVersion(
  tx: Sql | TransactionSql,
  sent: number,
  current: { version: number; updated_by?: number | null; updated_at?: unknown },
  view: Record<string, unknown> = current,
): Promise<void> {
  if (sent !== current.version) throw await staleRecord(tx, current, view)
}

/** `{error, current, changed_by, changed_at}` with status 409. */
export async function staleRecord(
  tx: Sql | TransactionSql,
  current: { updated_by?: number | null; updated_at?: unknown },
  view: Record<string, unknown>,
): Promise<HttpError> {
  const [who] = await tx<{ username: string; full_name: string }[]>`
    select username, full_name from users where id = ${current.updated_by ?? null}`
  return conflict(STALE_MESSAGE, {
    current: view,
    changed_by: who ? who.full_name || who.username : null,
    changed_at: current.updated_at ?? null,
  })
}
