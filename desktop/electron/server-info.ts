// What the main process asks of the server and of Windows for "О программе" and updates, kept
// free of Electron so it is unit-tested: the server's version (from /api/health), the About text,
// the API-version warning's input, and whether this user can elevate (needed to update a
// per-machine install).

/** The server's version from GET /api/health, or null when it does not answer in time. */
export async function fetchServerVersion(
  serverUrl: string | null,
  fetchFn: typeof fetch = fetch,
  timeoutMs = 3000,
): Promise<string | null> {
  if (!serverUrl) return null
  try {
    const res = await fetchFn(`${serverUrl}/api/health`, { signal: AbortSignal.timeout(timeoutMs) })
    const body = (await res.json()) as { version?: unknown }
    return typeof body.version === 'string' ? body.version : null
  } catch {
    return null
  }
}

/** The API this client speaks: major.minor of its own version (client and server ship together). */
export const supportedApi = (clientVersion: string) =>
  /^(\d+\.\d+)/.exec(clientVersion)?.[1] ?? clientVersion

export function aboutDetail(
  clientVersion: string,
  serverVersion: string | null,
  serverUrl: string | null,
) {
  return [
    'Учёт метрологического оборудования филиала.',
    `Версия программы: ${clientVersion}`,
    serverVersion
      ? `Версия сервера: ${serverVersion} (${serverUrl})`
      : `Сервер ${serverUrl ?? 'не задан'}: версия неизвестна (нет ответа)`,
    '© Gazprom Neft',
  ].join('\n')
}

/**
 * `whoami /groups` output → can this user elevate (consent or credentials prompt)? Members of
 * BUILTIN\Administrators (S-1-5-32-544) can, even when UAC lists the group "for deny only";
 * a standard user cannot, so IT installs the update.
 */
export const canElevateFromGroups = (whoamiGroups: string) => /S-1-5-32-544\b/.test(whoamiGroups)
