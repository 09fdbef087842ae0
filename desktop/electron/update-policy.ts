// The client's update decisions, kept free of Electron so they are unit-tested: whether an offered
// release (from the server's latest.yml) is installed, what the user is told, what happens to a
// download whose sha512 does not match, and whether the server's API is newer than this client.
// The Electron main wires it to electron-updater (generic provider, base URL
// <server>/api/releases/, autoDownload off, allowDowngrade on — this module decides instead):
//   check at start and every CHECK_INTERVAL_MS → decideUpdate(app.getVersion(), info)
//   'download' → downloadUpdate(); on 'update-downloaded' → installPrompt(...) → quitAndInstall
//   a sha512 error or verifyDownload() === 'corrupted' → delete the file, report, retry next check
import semver from 'semver'

/** How often a running client asks the server for a new release. */
export const CHECK_INTERVAL_MS = 4 * 60 * 60 * 1000

/** What latest.yml offers (electron-updater's UpdateInfo plus the server's rollback mark). */
export interface OfferedRelease {
  version: string
  sha512?: string
  files?: { url: string; sha512: string; size?: number }[]
  /** set by the server when the admin made an older release current (a rollback) */
  rollback?: boolean
}

export type UpdateDecision =
  | { action: 'download'; version: string; downgrade: boolean }
  | { action: 'none'; reason: 'same' | 'older' | 'invalid' }

export const isVersion = (v: unknown): v is string =>
  typeof v === 'string' && semver.valid(v) !== null

/** Semantic-version order (a pre-release sorts before its release): −1, 0 or 1. */
export const compareVersions = (a: string, b: string): number => semver.compare(a, b)

const SHA512_BASE64 = /^[A-Za-z0-9+/]{86}==$/

/** The sha512 (base64) the offered installer must have, or null when latest.yml has none usable. */
export function expectedSha512(offer: OfferedRelease): string | null {
  const sha = offer.files?.[0]?.sha512 ?? offer.sha512
  return typeof sha === 'string' && SHA512_BASE64.test(sha) ? sha : null
}

/**
 * Newer → download. Same → nothing. Older → nothing, unless the admin marked a rollback, then
 * download and allow the downgrade. A release without a valid version or sha512 is ignored.
 */
export function decideUpdate(installed: string, offer: OfferedRelease): UpdateDecision {
  if (!isVersion(installed) || !isVersion(offer?.version) || !expectedSha512(offer)) {
    return { action: 'none', reason: 'invalid' }
  }
  const order = compareVersions(offer.version, installed)
  if (order > 0) return { action: 'download', version: offer.version, downgrade: false }
  if (order === 0) return { action: 'none', reason: 'same' }
  return offer.rollback === true
    ? { action: 'download', version: offer.version, downgrade: true }
    : { action: 'none', reason: 'older' }
}

/** A finished download is kept only when its sha512 (base64) is the one latest.yml promised. */
export function verifyDownload(
  offer: OfferedRelease,
  actualSha512: string | null | undefined,
): 'ok' | 'corrupted' {
  const expected = expectedSha512(offer)
  return expected !== null && actualSha512 === expected ? 'ok' : 'corrupted'
}

export interface InstallPrompt {
  kind: 'restart' | 'ask-it'
  title: string
  message: string
  /** dialog buttons, the first one the default */
  buttons: string[]
}

/**
 * What the user sees once the update is downloaded. A per-machine install needs elevation: a
 * user who cannot elevate is told that IT will install it (silent `/S` via group policy).
 */
export function installPrompt(
  version: string,
  o: { perMachine: boolean; canElevate: boolean; downgrade?: boolean },
): InstallPrompt {
  if (o.perMachine && !o.canElevate) {
    return {
      kind: 'ask-it',
      title: 'Обновление Deltica',
      message: `Доступна новая версия Deltica ${version}. Установить её может только администратор компьютера — обновление установит ИТ-служба.`,
      buttons: ['Понятно'],
    }
  }
  return {
    kind: 'restart',
    title: 'Обновление Deltica',
    message: o.downgrade
      ? `Администратор вернул предыдущую версию Deltica ${version}. Перезапустить сейчас?`
      : `Доступна новая версия Deltica ${version}. Перезапустить сейчас?`,
    buttons: ['Перезапустить', 'Позже'],
  }
}

/** The message when a download failed or was corrupted (it has been discarded). */
export const downloadFailedMessage = (version: string) =>
  `Не удалось загрузить обновление Deltica ${version}: файл повреждён или загрузка прервалась. Загруженный файл удалён, попытка будет повторена позже.`

/**
 * The client speaks API `supported` (major.minor); the server reports its own. A server whose
 * API is newer in major or minor may offer what this client does not understand: warn.
 */
export function apiVersionWarning(
  supported: string,
  server: string | null | undefined,
): string | null {
  const parse = (v: string) => /^(\d+)\.(\d+)/.exec(v)?.slice(1, 3).map(Number)
  const c = parse(supported)
  const s = server ? parse(server) : undefined
  if (!c || !s) return null
  const newer = s[0] > c[0] || (s[0] === c[0] && s[1] > c[1])
  return newer
    ? `Сервер Deltica новее этой программы (API ${server}, программа поддерживает ${supported}). Обновите программу или обратитесь к администратору.`
    : null
}
