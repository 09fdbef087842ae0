import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { classifyGssError, keytabProblem, loadKerberos } from './kerberos.ts'

describe('the optional kerberos module', () => {
  it('reports SSO unavailable, in Russian, when the module was not built (no libkrb5-dev)', async () => {
    const notThere = Object.assign(new Error("Cannot find package 'kerberos'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    })
    const sso = await loadKerberos(() => Promise.reject(notThere), 'linux')
    expect(sso).toEqual({
      ok: false,
      reason: expect.stringMatching(/^модуль kerberos не установлен .*libkrb5-dev/),
    })
  })

  it('reports a module that cannot load its library', async () => {
    const sso = await loadKerberos(
      () => Promise.reject(new Error('libgssapi_krb5.so.2: cannot open shared object file')),
      'linux',
    )
    expect(sso.ok).toBe(false)
    expect(!sso.ok && sso.reason).toMatch(/^модуль kerberos не загрузился .*libgssapi_krb5/)
  })

  it('is unavailable on a Windows server (the module accepts tickets with libkrb5 only)', async () => {
    const fake = { initializeServer: async () => ({}) }
    const sso = await loadKerberos(async () => fake, 'win32')
    expect(!sso.ok && sso.reason).toMatch(/под Windows не принимает билеты Kerberos/)
  })

  it('accepts a module with initializeServer (ESM default export too)', async () => {
    const fake = { initializeServer: async () => ({}) }
    expect((await loadKerberos(async () => fake, 'linux')).ok).toBe(true)
    expect((await loadKerberos(async () => ({ default: fake }), 'linux')).ok).toBe(true)
    expect((await loadKerberos(async () => ({}), 'linux')).ok).toBe(false)
  })
})

describe('GSS refusals', () => {
  it("sorts MIT's messages: replay, another service, anything else", () => {
    const gss = 'Unspecified GSS failure.  Minor code may provide more information: '
    expect(classifyGssError(`${gss}Request is a replay`)).toBe('replay')
    expect(
      classifyGssError(
        `${gss}Request ticket server HTTP/other.test@R found in keytab but does not match server principal HTTP/localhost@`,
      ),
    ).toBe('wrong_service')
    expect(classifyGssError(`${gss}Decrypt integrity check failed`)).toBe('invalid')
  })
})

describe('keytabProblem', () => {
  it('names a missing or unreadable keytab, accepts a readable one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deltica-kt-'))
    const file = join(dir, 'http.keytab')
    expect(keytabProblem(`FILE:${file}`)).toBe(`файл ключей ${file} (KRB5_KTNAME) не найден`)
    writeFileSync(file, 'x')
    expect(keytabProblem(`FILE:${file}`)).toBeNull()
    expect(keytabProblem(file)).toBeNull()
    expect(keytabProblem('MEMORY:test')).toBeNull()
    if (process.getuid?.() !== 0) {
      chmodSync(file, 0)
      expect(keytabProblem(file)).toMatch(/недоступен для чтения/)
    }
  })
})
