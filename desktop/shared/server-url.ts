// The server address typed by a person → the canonical base URL the client talks to. Shared by
// the Electron main process (first run, Settings) and the renderer (plain-browser mode).
// Rules: add http:// when no scheme is given, add :8000 when no port is given (unless
// the address is explicitly https://), drop any path, query or trailing slash.

export const DEFAULT_PORT = 8000

export class ServerUrlError extends Error {}

export function normalizeServerUrl(input: string): string {
  const text = input.trim()
  if (!text) throw new ServerUrlError('Введите адрес сервера')
  const explicitScheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text)?.[0].toLowerCase()
  if (explicitScheme && explicitScheme !== 'http://' && explicitScheme !== 'https://') {
    throw new ServerUrlError('Адрес должен начинаться с http:// или https://')
  }
  let url: URL
  try {
    url = new URL(explicitScheme ? text : `http://${text}`)
  } catch {
    throw new ServerUrlError('Не удаётся разобрать адрес сервера')
  }
  if (!url.hostname || /\s/.test(text))
    throw new ServerUrlError('Не удаётся разобрать адрес сервера')
  if (url.username || url.password) {
    throw new ServerUrlError('Адрес сервера не должен содержать логин и пароль')
  }
  const authority = (explicitScheme ? text.slice(explicitScheme.length) : text).split(/[/?#]/)[0]
  const explicitPort = /:\d+$/.test(authority)
  if (!explicitPort && url.protocol === 'http:') url.port = String(DEFAULT_PORT)
  return url.origin
}

/** The health endpoint of a normalised base URL. */
export const healthUrl = (base: string) => `${base}/api/health`

/** True when a /api/health answer looks like Deltica's. */
export function isDelticaHealth(body: unknown): boolean {
  return (
    typeof body === 'object' &&
    body !== null &&
    (body as { status?: unknown }).status === 'ok' &&
    typeof (body as { version?: unknown }).version === 'string'
  )
}
