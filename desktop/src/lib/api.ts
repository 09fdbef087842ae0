// The HTTP client of the renderer: JSON requests with the Bearer token, Russian errors (the
// server's {error, fields} or a network failure), file downloads as blobs, uploads with progress.

export interface FieldError {
  field: string
  message: string
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(message)
  }
  get fields(): FieldError[] {
    return Array.isArray(this.body.fields) ? (this.body.fields as FieldError[]) : []
  }
}

export const UNREACHABLE = 'Сервер недоступен. Проверьте адрес сервера и подключение к сети'

/** the server could not be reached at all (no answer, not an error answer) */
export const isUnreachable = (e: unknown) => e instanceof ApiError && e.status === 0
/** the request was cancelled by the client (a page scrolled past): no error to show */
export const isAborted = (e: unknown) => e instanceof ApiError && e.status === -1

const fallbackMessage = (status: number) =>
  status === 401
    ? 'Требуется вход в систему'
    : status === 403
      ? 'Недостаточно прав для этого действия'
      : status === 404
        ? 'Не найдено'
        : status === 409
          ? 'Данные изменились или уже существуют. Обновите и повторите'
          : status >= 500
            ? SERVER_FAILED
            : `Ошибка запроса (${status})`

export const SESSION_EXPIRED = 'Сеанс истёк или был завершён. Войдите снова'
const SERVER_FAILED = 'Ошибка сервера, повторите попытку позже'

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

/**
 * The one place a failed answer becomes the Russian words every screen shows, distinct per kind:
 * a session that ended (401 on a signed-in request: the app is back at sign-in) says so; 404 says
 * «не найдено»; 409 is the server's reason with who changed the record and when; 5xx is the
 * server's fault, to retry; the rest (400, 403, 413, 423, 429) is the server's own message.
 */
export function failureMessage(
  status: number,
  body: Record<string, unknown>,
  signedIn: boolean,
): string {
  const said = typeof body.error === 'string' && body.error.trim() ? body.error.trim() : ''
  if (status === 401) return signedIn ? SESSION_EXPIRED : said || fallbackMessage(401)
  if (status === 404) {
    if (!said) return 'Не найдено: запись удалена или недоступна. Обновите данные'
    return /не найден/i.test(said) ? said : `Не найдено: ${said}`
  }
  if (status === 409) {
    const who = whoAndWhen(body)
    const text = said || fallbackMessage(409)
    return who ? `${text} (${who})` : text
  }
  if (status >= 500) {
    if (!said) return SERVER_FAILED
    return /повтор/i.test(said) ? `Ошибка сервера: ${said}` : `${SERVER_FAILED} (${said})`
  }
  return said || fallbackMessage(status)
}

/** What kind of failure an error is: each is handled in its own way (sign-in again, «не найдено»,
 *  a conflict to resolve, the server's fault, the network's). */
export type ErrorKind =
  | 'aborted'
  | 'unreachable'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'invalid'
  | 'server'
  | 'other'

export function errorKind(e: unknown): ErrorKind {
  if (!(e instanceof ApiError)) return 'other'
  if (e.status === -1) return 'aborted'
  if (e.status === 0) return 'unreachable'
  if (e.status === 401) return 'unauthorized'
  if (e.status === 403) return 'forbidden'
  if (e.status === 404) return 'not-found'
  if (e.status === 409) return 'conflict'
  if (e.status >= 500) return 'server'
  return e.status >= 400 ? 'invalid' : 'other'
}

/** The file name from Content-Disposition (filename*=UTF-8'' preferred). */
export function dispositionName(header: string | null, fallback = 'document'): string {
  if (!header) return fallback
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header)
  if (star) {
    try {
      return decodeURIComponent(star[1].trim())
    } catch {
      /* fall through to the plain name */
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header)
  return plain ? plain[1] : fallback
}

export type Query = Record<
  string,
  string | number | boolean | null | undefined | (string | number)[]
>

export function queryString(q: Query): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue
    p.set(k, Array.isArray(v) ? v.join(',') : String(v))
  }
  const s = p.toString()
  return s ? `?${s}` : ''
}

export class Api {
  token: string | null = null
  /** called on a 401 from an authenticated request (the session expired or was revoked) */
  onUnauthorized: (() => void) | null = null
  /** told after every request whether the server could be reached (state/connection) */
  onReachable: ((reachable: boolean) => void) | null = null

  constructor(
    public baseUrl: string,
    private fetcher: typeof fetch = (...a) => fetch(...a),
  ) {}

  private headers(extra: Record<string, string> = {}) {
    return this.token ? { ...extra, authorization: `Bearer ${this.token}` } : extra
  }

  async raw(
    method: string,
    path: string,
    init: {
      body?: BodyInit
      headers?: Record<string, string>
      signal?: AbortSignal
      /** 'include' for Windows sign-in: Chromium answers the Negotiate challenge itself */
      credentials?: RequestCredentials
    } = {},
  ) {
    let response: Response
    try {
      response = await this.fetcher(`${this.baseUrl}${path}`, {
        method,
        body: init.body,
        headers: this.headers(init.headers),
        ...(init.signal ? { signal: init.signal } : {}),
        ...(init.credentials ? { credentials: init.credentials } : {}),
      })
    } catch {
      if (init.signal?.aborted) throw new ApiError(-1, 'Запрос отменён')
      this.onReachable?.(false)
      throw new ApiError(0, UNREACHABLE)
    }
    this.onReachable?.(true)
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as Record<string, unknown>
      const signedIn = this.token !== null
      if (response.status === 401 && signedIn && this.onUnauthorized) this.onUnauthorized()
      throw new ApiError(response.status, failureMessage(response.status, body, signedIn), body)
    }
    return response
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.raw(
      method,
      path,
      body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
    )
    if (response.status === 204) return undefined as T
    return (await response.json()) as T
  }

  get = <T>(path: string, q: Query = {}, signal?: AbortSignal) =>
    signal
      ? this.raw('GET', path + queryString(q), { signal }).then((r) => r.json() as Promise<T>)
      : this.request<T>('GET', path + queryString(q))
  post = <T>(path: string, body?: unknown) => this.request<T>('POST', path, body ?? {})
  patch = <T>(path: string, body: unknown) => this.request<T>('PATCH', path, body)
  put = <T>(path: string, body: unknown) => this.request<T>('PUT', path, body)
  del = <T>(path: string, body?: unknown) => this.request<T>('DELETE', path, body)

  /** A file from the server (GET or POST with a JSON body) → blob + its Russian name. */
  async file(method: 'GET' | 'POST', path: string, body?: unknown) {
    const response = await this.raw(
      method,
      path,
      body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
    )
    const blob = await response.blob()
    return { blob, name: dispositionName(response.headers.get('content-disposition')) }
  }

  /** multipart upload with progress (0..1); XHR because fetch has no upload progress */
  upload<T>(path: string, form: FormData, onProgress?: (fraction: number) => void): Promise<T> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest()
      xhr.open('POST', `${this.baseUrl}${path}`)
      if (this.token) xhr.setRequestHeader('authorization', `Bearer ${this.token}`)
      xhr.upload.onprogress = (e) => e.lengthComputable && onProgress?.(e.loaded / e.total)
      xhr.onerror = () => {
        this.onReachable?.(false)
        reject(new ApiError(0, UNREACHABLE))
      }
      xhr.onload = () => {
        this.onReachable?.(true)
        let body: Record<string, unknown> = {}
        try {
          body = JSON.parse(xhr.responseText)
        } catch {
          /* not JSON */
        }
        if (xhr.status >= 200 && xhr.status < 300) return resolve(body as T)
        const signedIn = this.token !== null
        if (xhr.status === 401 && signedIn && this.onUnauthorized) this.onUnauthorized()
        reject(new ApiError(xhr.status, failureMessage(xhr.status, body, signedIn), body))
      }
      xhr.send(form)
    })
  }
}
