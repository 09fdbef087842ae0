// The Electron security policy as plain functions (no Electron import, unit-tested under Node):
// which pages may call the bridge, where the window may navigate, the Content-Security-Policy the
// main process sets for the saved server, and when DevTools are allowed.

/** The bundled renderer is served from this privileged scheme (an allowed CORS origin). */
export const APP_SCHEME = 'app'
export const APP_HOST = 'deltica'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`

function originOf(url: string): string | null {
  try {
    const u = new URL(url)
    // app://deltica/… has an opaque origin for WHATWG URL; build it by hand
    return u.protocol === `${APP_SCHEME}:` ? `${APP_SCHEME}://${u.host}` : u.origin
  } catch {
    return null
  }
}

/**
 * True when an IPC message comes from our own page: the bundled renderer, or in development the
 * Vite dev server. Anything else (a navigated-to site, an iframe, a blank page) is refused.
 */
export function isTrustedSender(
  frameUrl: string | undefined | null,
  devServerUrl?: string,
): boolean {
  if (!frameUrl) return false
  const origin = originOf(frameUrl)
  if (origin === APP_ORIGIN) return true
  return !!devServerUrl && origin === originOf(devServerUrl)
}

/** In-window navigation is allowed only within the renderer itself. */
export const isAllowedNavigation = isTrustedSender

/** DevTools: development builds only (not packaged, and asked for). */
export function devToolsAllowed(opts: {
  isPackaged: boolean
  env: Record<string, string | undefined>
}) {
  return (
    !opts.isPackaged && (opts.env.NODE_ENV === 'development' || opts.env.DELTICA_DEVTOOLS === '1')
  )
}

/** The page's CSP; connect-src is the saved server only (nothing before one is saved). */
export function contentSecurityPolicy(serverUrl: string | null): string {
  const connect = ["'self'", serverUrl].filter(Boolean).join(' ')
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${connect}`,
    "frame-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ')
}

/** A generated document's file name made safe for the temp folder (keeps Cyrillic). */
export function safeFileName(name: string): string {
  const cleaned = name
    .replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_')
    .replace(/^\.+/, '')
    .trim()
    .slice(0, 150)
  return cleaned || 'document'
}

const OPENABLE = /\.(pdf|docx?|xlsx?|png|jpe?g)$/i

/** Only document types the client produces or stores are handed to the system's program. */
export const isOpenableDocument = (name: string) => OPENABLE.test(name)
