// The one error mapping: expected failures are thrown as HttpError; toErrorResponse turns any
// thrown value into the API's error body {error, ...details} with the right status, never leaking internals.
import { Response } from '@whatwg-node/server'
import type { z } from 'zod'

export class HttpError extends Error {
  readonly status: number
  readonly details: Record<string, unknown>
  readonly headers: Record<string, string>

  constructor(
    status: number,
    message: string,
    details: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) {
    super(message)
    this.status = status
    this.details = details
    this.headers = headers
  }
}

export interface FieldIssue {
  field: string
  message: string
}

export const badRequest = (message: string, details?: Record<string, unknown>) =>
  new HttpError(400, message, details)
export const unauthorized = (message = 'Требуется вход в систему') => new HttpError(401, message)
export const forbidden = (message = 'Недостаточно прав для этого действия') =>
  new HttpError(403, message)
export const notFound = (message = 'Не найдено', details?: Record<string, unknown>) =>
  new HttpError(404, message, details)
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new HttpError(409, message, details)
export const tooLarge = (message: string, details?: Record<string, unknown>) =>
  new HttpError(413, message, details)
export const unsupportedType = (message: string) => new HttpError(415, message)
export const locked = (message: string, details?: Record<string, unknown>) =>
  new HttpError(423, message, details)
export const tooManyRequests = (retryAfterSeconds: number) =>
  new HttpError(
    429,
    'Слишком много попыток. Повторите позже',
    { retry_after: retryAfterSeconds },
    { 'retry-after': String(retryAfterSeconds) },
  )
const unavailable = (message = 'База данных недоступна, повторите попытку позже') =>
  new HttpError(503, message)

/** Zod issues → [{field, message}] with Russian messages. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.join('.') || '(запрос)',
    message: russianIssue(issue),
  }))
}

function russianIssue(issue: z.core.$ZodIssue): string {
  // Messages written in Russian by a schema (z.string().min(1, 'Обязательное поле')) pass through.
  if (/[а-яё]/i.test(issue.message)) return issue.message
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'Обязательное поле' : `Неверный тип значения`
    case 'too_small':
      return issue.origin === 'string'
        ? issue.minimum === 1
          ? 'Поле не может быть пустым'
          : `Не короче ${issue.minimum} символов`
        : issue.origin === 'array'
          ? `Нужно не меньше ${issue.minimum} элементов`
          : `Значение должно быть не меньше ${issue.minimum}`
    case 'too_big':
      return issue.origin === 'string'
        ? `Не длиннее ${issue.maximum} символов`
        : issue.origin === 'array'
          ? `Не больше ${issue.maximum} элементов`
          : `Значение должно быть не больше ${issue.maximum}`
    case 'invalid_value':
      return `Допустимые значения: ${issue.values.map(String).join(', ')}`
    case 'invalid_format':
      return 'Неверный формат значения'
    case 'unrecognized_keys':
      return `Неизвестные поля: ${issue.keys.join(', ')}`
    case 'not_multiple_of':
      return 'Значение должно быть целым'
    default:
      return 'Недопустимое значение'
  }
}

export function json(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(data), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  })
}

/** A JSON answer whose text is already written (e.g. by PostgreSQL's json functions). */
export function jsonText(text: string, status = 200): Response {
  return new Response(text, {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  })
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08003',
  '08006',
])

/**
 * The client closed its connection mid-request (its body stream aborted): Node reports that as
 * ECONNRESET "aborted", which must not read as the database's ECONNRESET.
 */
export function clientGone(request: Request, error: unknown): boolean {
  if (request.signal?.aborted) return true
  const e = error as { code?: string; message?: string; name?: string; cause?: unknown }
  if (e?.name === 'AbortError') return true
  if (e?.code === 'ECONNRESET' && e.message === 'aborted') return true
  return e?.cause !== undefined && e.cause !== error && clientGone(request, e.cause)
}

/** Maps a thrown value to an HttpError; null means "unexpected" (a 500, logged). */
export function classify(error: unknown): HttpError | null {
  if (error instanceof HttpError) return error
  const e = error as { code?: string; errno?: string; constraint_name?: string; name?: string }
  const code = e?.code ?? e?.errno
  if (code && CONNECTION_CODES.has(code)) return unavailable()
  switch (code) {
    case '23505':
      // the constraint's name stays in the log: it describes the schema, not the user's data
      return conflict('Запись с такими данными уже существует')
    case '23503':
      return conflict('Запись связана с другими данными или ссылается на несуществующую запись')
    case '23514':
    case '23502':
    case '22001':
    case '22003':
    case '22007':
    case '22008':
    case '22P02':
    case '22021': // a character the database cannot store (NUL)
    case '22P05':
    case '54000': // a value beyond an index row's limit
      return badRequest('Недопустимое значение поля')
    case '40001':
    case '40P01':
      return conflict('Одновременное изменение данных, повторите действие')
    case '57014':
      return new HttpError(503, 'Запрос выполнялся слишком долго и был прерван')
  }
  return null
}

export function errorResponse(error: HttpError, requestId?: string): Response {
  return json(
    { error: error.message, ...error.details, ...(requestId ? { request_id: requestId } : {}) },
    error.status,
    error.headers,
  )
}

export const internalError = (requestId: string) =>
  json({ error: 'Внутренняя ошибка сервера', request_id: requestId }, 500)
