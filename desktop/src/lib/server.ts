// Where the server is. Electron: the address saved by the main process (window.deltica).
// Plain browser: the address saved in this browser, else the page's own origin when the page is
// served by the server itself (the zero-install web client), else nothing — the first-run screen
// asks, suggesting the build default VITE_API_URL.
import type { DelticaBridge } from '../../electron/bridge.ts'
import {
  healthUrl,
  isDelticaHealth,
  normalizeServerUrl,
  ServerUrlError,
} from '../../shared/server-url.ts'

declare global {
  interface Window {
    deltica?: DelticaBridge
  }
}

export const bridge = (): DelticaBridge | undefined => window.deltica

const KEY = 'deltica.server'
export const BUILD_DEFAULT: string = import.meta.env.VITE_API_URL ?? ''

async function answersHealth(base: string, timeoutMs = 5000): Promise<boolean> {
  try {
    const r = await fetch(healthUrl(base), { signal: AbortSignal.timeout(timeoutMs) })
    return isDelticaHealth(await r.json())
  } catch {
    return false
  }
}

export async function savedServer(): Promise<string | null> {
  const b = bridge()
  if (b) return b.getServer()
  const saved = localStorage.getItem(KEY)
  if (saved) return saved
  if (location.protocol.startsWith('http') && (await answersHealth(location.origin, 3000)))
    return location.origin
  return null
}

/** Check the typed address and save it. Returns the URL, or throws with a Russian message. */
export async function chooseServer(input: string): Promise<string> {
  const b = bridge()
  if (b) {
    const result = await b.setServer(input)
    if (!result.ok) throw new ServerUrlError(result.error)
    return result.url
  }
  const url = normalizeServerUrl(input)
  let body: unknown
  try {
    const r = await fetch(healthUrl(url), { signal: AbortSignal.timeout(5000) })
    body = await r.json().catch(() => null)
  } catch {
    throw new ServerUrlError(`Сервер ${url} недоступен. Проверьте адрес и сеть`)
  }
  if (!isDelticaHealth(body))
    throw new ServerUrlError(
      `По адресу ${url} отвечает не сервер Deltica или база данных недоступна`,
    )
  localStorage.setItem(KEY, url)
  return url
}
