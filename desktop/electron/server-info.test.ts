import { describe, expect, it } from 'vitest'
import {
  aboutDetail,
  canElevateFromGroups,
  fetchServerVersion,
  supportedApi,
} from './server-info.ts'

const answer = (body: unknown, status = 200) =>
  (async () => new Response(JSON.stringify(body), { status })) as unknown as typeof fetch

describe('server info', () => {
  it('reads the server version from /api/health; null when unreachable or malformed', async () => {
    expect(
      await fetchServerVersion('http://s:8000', answer({ status: 'ok', version: '1.3.0' })),
    ).toBe('1.3.0')
    expect(await fetchServerVersion('http://s:8000', answer({ status: 'ok' }))).toBeNull()
    const down = (async () => {
      throw new TypeError('fetch failed')
    }) as unknown as typeof fetch
    expect(await fetchServerVersion('http://s:8000', down)).toBeNull()
    expect(await fetchServerVersion(null, answer({ version: '1.0.0' }))).toBeNull()
  })

  it('"О программе" shows both versions, or says the server did not answer', () => {
    const both = aboutDetail('1.2.0', '1.3.1', 'http://srv:8000')
    expect(both).toContain('Версия программы: 1.2.0')
    expect(both).toContain('Версия сервера: 1.3.1 (http://srv:8000)')
    expect(aboutDetail('1.2.0', null, 'http://srv:8000')).toContain('версия неизвестна')
  })

  it('the supported API is the client major.minor', () => {
    expect(supportedApi('1.4.2')).toBe('1.4')
    expect(supportedApi('2.0.0-beta.1')).toBe('2.0')
  })

  it('members of BUILTIN\\Administrators can elevate (also "for deny only"), others cannot', () => {
    const admin = `BUILTIN\\Administrators  Alias  S-1-5-32-544  Group used for deny only\nBUILTIN\\Users Alias S-1-5-32-545 Mandatory group`
    const user = `BUILTIN\\Users  Alias  S-1-5-32-545  Mandatory group, Enabled by default`
    expect(canElevateFromGroups(admin)).toBe(true)
    expect(canElevateFromGroups(user)).toBe(false)
    expect(canElevateFromGroups('S-1-5-32-5440')).toBe(false)
  })
})
