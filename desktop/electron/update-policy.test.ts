import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { supportedApi } from './server-info.ts'
import {
  apiVersionWarning,
  compareVersions,
  decideUpdate,
  installPrompt,
  verifyDownload,
  type OfferedRelease,
} from './update-policy.ts'

const SHA = `${'A'.repeat(85)}Q==`
const offer = (version: string, extra: Partial<OfferedRelease> = {}): OfferedRelease => ({
  version,
  files: [{ url: `Deltica-Setup-${version}.exe`, sha512: SHA, size: 10 }],
  sha512: SHA,
  ...extra,
})

describe('decideUpdate', () => {
  it('downloads a newer release', () => {
    expect(decideUpdate('1.2.0', offer('1.3.0'))).toEqual({
      action: 'download',
      version: '1.3.0',
      downgrade: false,
    })
    expect(decideUpdate('1.2.0', offer('1.10.0')).action).toBe('download')
    expect(decideUpdate('1.3.0-beta.2', offer('1.3.0')).action).toBe('download')
  })

  it('does nothing for the same release', () => {
    expect(decideUpdate('1.2.0', offer('1.2.0'))).toEqual({ action: 'none', reason: 'same' })
  })

  it('never downgrades on its own', () => {
    expect(decideUpdate('1.2.0', offer('1.1.9'))).toEqual({ action: 'none', reason: 'older' })
    expect(decideUpdate('1.3.0', offer('1.3.0-beta.9'))).toEqual({
      action: 'none',
      reason: 'older',
    })
    expect(
      decideUpdate('1.2.0', offer('1.1.0', { rollback: 'yes' as unknown as boolean })).action,
    ).toBe('none')
  })

  it('downgrades when the admin marked a rollback', () => {
    expect(decideUpdate('1.2.0', offer('1.1.0', { rollback: true }))).toEqual({
      action: 'download',
      version: '1.1.0',
      downgrade: true,
    })
    // a rollback mark on the installed version changes nothing
    expect(decideUpdate('1.1.0', offer('1.1.0', { rollback: true })).action).toBe('none')
  })

  it('ignores a release without a valid version or sha512', () => {
    expect(decideUpdate('1.2.0', offer('latest'))).toEqual({ action: 'none', reason: 'invalid' })
    expect(decideUpdate('1.2.0', { version: '1.3.0' })).toEqual({
      action: 'none',
      reason: 'invalid',
    })
    expect(
      decideUpdate('1.2.0', offer('1.3.0', { files: [{ url: 'x', sha512: 'abc' }], sha512: 'abc' }))
        .action,
    ).toBe('none')
  })
})

describe('verifyDownload', () => {
  it('keeps a download whose sha512 matches and discards a corrupted one', () => {
    expect(verifyDownload(offer('1.3.0'), SHA)).toBe('ok')
    expect(verifyDownload(offer('1.3.0'), `${'B'.repeat(85)}Q==`)).toBe('corrupted')
    expect(verifyDownload(offer('1.3.0'), undefined)).toBe('corrupted')
    expect(verifyDownload({ version: '1.3.0' }, SHA)).toBe('corrupted')
  })
})

describe('installPrompt', () => {
  it('asks to restart when the user can install', () => {
    const p = installPrompt('1.3.0', { perMachine: true, canElevate: true })
    expect(p.kind).toBe('restart')
    expect(p.message).toBe('Доступна новая версия Deltica 1.3.0. Перезапустить сейчас?')
    expect(p.buttons[0]).toBe('Перезапустить')
  })

  it('says IT will install it where the user cannot elevate a per-machine install', () => {
    const p = installPrompt('1.3.0', { perMachine: true, canElevate: false })
    expect(p.kind).toBe('ask-it')
    expect(p.message).toContain('ИТ-служба')
  })

  it('says so on a rollback', () => {
    expect(
      installPrompt('1.1.0', { perMachine: false, canElevate: false, downgrade: true }).message,
    ).toContain('вернул предыдущую версию')
  })
})

describe('versions', () => {
  it('orders versions the semver way', () => {
    expect(compareVersions('1.10.0', '1.9.0')).toBe(1)
    expect(compareVersions('v2.0.0', '2.0.0')).toBe(0)
    expect(compareVersions('1.0.0-alpha', '1.0.0-alpha.1')).toBe(-1)
    expect(compareVersions('1.0.0-alpha.beta', '1.0.0-beta')).toBe(-1)
    expect(compareVersions('1.0.0-beta.11', '1.0.0-rc.1')).toBe(-1)
  })

  it('warns when the server API is newer than the client supports', () => {
    expect(apiVersionWarning('1.2', '1.3.0')).toContain('Сервер Deltica новее')
    expect(apiVersionWarning('1.2', '2.0.0')).not.toBeNull()
    expect(apiVersionWarning('1.2', '1.2.9')).toBeNull()
    expect(apiVersionWarning('1.2', '1.1.0')).toBeNull()
    expect(apiVersionWarning('1.2', null)).toBeNull()
  })

  it('a 0.1 client warns against this server: its responses changed (docs/api-conventions.md)', () => {
    const server = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
    const client = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
    expect(client.version).toBe(server.version)
    expect(apiVersionWarning(supportedApi('0.1.0'), server.version)).toContain(
      'Сервер Deltica новее',
    )
    expect(apiVersionWarning(supportedApi(client.version), server.version)).toBeNull()
  })
})
