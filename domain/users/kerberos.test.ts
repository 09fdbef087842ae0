// Windows sign-in without a KDC: the principal → account-name rule, and the server reporting SSO
// unavailable (not configured, keytab missing). The real KDC tests: functions/auth.kerberos.test.ts.
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { harness, type Harness } from '../../test/app.ts'
import { accountNameOf } from './kerberos.ts'

describe('accountNameOf', () => {
  it("takes the principal's name; a service principal is nobody", () => {
    expect(accountNameOf('alice@CORP.LOCAL')).toBe('alice')
    expect(accountNameOf('Petrov@CORP.LOCAL')).toBe('Petrov')
    expect(accountNameOf('alice')).toBe('alice')
    expect(accountNameOf('HTTP/deltica.corp.local@CORP.LOCAL')).toBeNull()
    expect(accountNameOf('@CORP.LOCAL')).toBeNull()
  })
})

describe('SSO unavailable', () => {
  const harnesses: Harness[] = []
  afterAll(() => Promise.all(harnesses.map((h) => h.close())))

  it('not configured: GET says why, POST answers 404 without the Negotiate challenge', async () => {
    const h = await harness()
    harnesses.push(h)
    expect(await (await h.call('GET', '/api/auth/negotiate')).json()).toEqual({
      available: false,
      message:
        'Вход через Windows недоступен: сервер не настроен (не заданы KERBEROS_SPN и KRB5_KTNAME)',
    })
    const res = await h.call('POST', '/api/auth/negotiate', {
      headers: { authorization: 'Negotiate YWJj' },
    })
    expect(res.status).toBe(404)
    expect(res.headers.get('www-authenticate')).toBeNull()
    expect((await res.json()).error).toMatch(/^Вход через Windows недоступен: сервер не настроен/)
  })

  it('configured with a keytab that is not there (or the module missing): says so', async () => {
    const keytab = join(import.meta.dirname, 'no-such.keytab')
    const h = await harness({ config: { kerberos: { spn: 'HTTP/deltica.test', keytab } } })
    harnesses.push(h)
    const { available, message } = await (await h.call('GET', '/api/auth/negotiate')).json()
    expect(available).toBe(false)
    expect(message).toMatch(
      /^Вход через Windows недоступен: (файл ключей .* не найден|модуль kerberos)/,
    )
  })
})
