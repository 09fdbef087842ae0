// Windows single sign-on in the client: Chromium answers a server's `WWW-Authenticate: Negotiate`
// with the user's Kerberos ticket only for hosts on `auth-server-whitelist`. The list holds the
// configured Deltica server's host and nothing else; credentials are never delegated
// (`auth-negotiate-delegate-whitelist` is not set). Kerberos needs the server's DNS name: for an
// IP address (192.168.1.100) no ticket can be issued, so no switch is set and the form is shown.

/** The Chromium switches for the saved server URL (read once at start, before `ready`). */
export function integratedAuthSwitches(serverUrl: string | null): [string, string][] {
  if (!serverUrl) return []
  let host: string
  try {
    const url = new URL(serverUrl)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return []
    host = url.hostname.toLowerCase()
  } catch {
    return []
  }
  if (!host || /^[\d.]+$/.test(host) || host.startsWith('[')) return []
  if (!/^[a-z0-9.-]+$/.test(host)) return [] // no wildcards, commas or anything else in the list
  return [['auth-server-whitelist', host]]
}
