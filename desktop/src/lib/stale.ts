// The one 409 a stale `version` gets (`{error, current, changed_by, changed_at}`), read the same
// way by every screen that edits a record: is it that answer, and who changed the record when.
import { ApiError } from './api.ts'

/** the server's stale-version answer (a 409 carrying the record as it is now) */
export const isStale = (e: unknown): e is ApiError =>
  e instanceof ApiError &&
  e.status === 409 &&
  typeof e.body.current === 'object' &&
  e.body.current !== null

/** who changed the record and when (the client's one reading of a 409, lib/api.ts) */
export { whoAndWhen } from './api.ts'
