// The one 409 a stale `version` gets (`{error, current, changed_by, changed_at}`), read the same
// way by every screen that edits a record: is it that answer, and who changed the record when.
import { ApiError } from './api.ts'

/** the server's stale-version answer (a 409 carrying the record as it is now) */
export const isStale = (e: unknown): e is ApiError =>
  e instanceof ApiError &&
  e.status === 409 &&
  typeof e.body.current === 'object' &&
  e.body.current !== null

/** «изменил(а) Иванова А. П. в 03.12, 09:05» — or '' when the answer names neither */
export function whoAndWhen(body: Record<string, unknown>): string {
  const by = body.changed_by
  const name =
    typeof by === 'string'
      ? by
      : by && typeof by === 'object'
        ? String(
            (by as Record<string, unknown>).full_name ??
              (by as Record<string, unknown>).username ??
              '',
          )
        : ''
  const at = typeof body.changed_at === 'string' ? new Date(body.changed_at) : null
  const when =
    at && !Number.isNaN(at.getTime())
      ? at.toLocaleString('ru-RU', {
          day: '2-digit',
          month: '2-digit',
          hour: '2-digit',
          minute: '2-digit',
        })
      : ''
  return [name && `изменил(а) ${name}`, when && `в ${when}`].filter(Boolean).join(' ')
}
