// Windows sign-in against a REAL KDC (test/kdc.ts: Debian's krb5kdc in a temporary realm): a
// service principal HTTP/localhost in the server's keytab (KRB5_KTNAME), users signed in with
// kinit, their SPNEGO tokens made by the `kerberos` module's client side and by `curl --negotiate`.
// Skipped with the printed reason when the native module or the KDC programs are missing.
import { execFile, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listen, type Listening } from '../runtime/server.ts'
import { harness, putSettings, type Harness } from '../test/app.ts'
import { kdcMissing, REALM, startKdc, type Kdc } from '../test/kdc.ts'

const missing = await kdcMissing()
if (missing) console.warn(`[вход через Windows] тесты с KDC пропущены: ${missing}`)

interface KerberosClient {
  initializeClient(service: string, options?: object): Promise<{ step(c: string): Promise<string> }>
  GSS_MECH_OID_SPNEGO: unknown
}

describe.skipIf(missing)('POST /api/auth/negotiate with a real KDC', () => {
  let kdc: Kdc
  let h: Harness
  let k: KerberosClient
  let admin: string
  const caches = new Map<string, string>()

  /** a fresh SPNEGO token of `user` (kinit'ed once) for `service` (GSS host-based form) */
  async function tokenOf(user: string, service = 'HTTP@localhost') {
    process.env.KRB5CCNAME = caches.get(user)
    const client = await k.initializeClient(service, { mechOID: k.GSS_MECH_OID_SPNEGO })
    return client.step('')
  }

  const negotiate = (token: string | null, headers: Record<string, string> = {}, ip?: string) =>
    h.call('POST', '/api/auth/negotiate', {
      headers: token === null ? headers : { ...headers, authorization: `Negotiate ${token}` },
      ip,
    })

  const lastAudit = async () => {
    const [row] = await h.sql<{ action: string; username: string; changes: any }[]>`
      select action, username, changes from audit_log order by id desc limit 1`
    return row
  }

  beforeAll(async () => {
    kdc = await startKdc()
    kdc.useIn(process.env)
    const keytab = join(kdc.dir, 'http.keytab')
    kdc.addService('HTTP/localhost', keytab)
    // another service whose key is in the same keytab: its tickets must still be refused
    kdc.addService('HTTP/other.test', keytab)
    process.env.KRB5_KTNAME = `FILE:${keytab}`
    for (const user of ['alice', 'bob', 'carol', 'Dave', 'eve']) {
      kdc.addUser(user, `${user}-Pa55word`)
      caches.set(user, kdc.kinit(user, `${user}-Pa55word`))
    }
    k = (await import('kerberos' as string)) as KerberosClient
    h = await harness({ config: { kerberos: { spn: 'HTTP/localhost', keytab } } })
    await h.makeUser({ username: 'metrolog', role: 'admin' })
    admin = await h.login('metrolog')
    for (const [username, windows, active] of [
      ['alice', `${REALM.split('.')[0]}\\alice`, true],
      ['carol', 'carol', false],
      ['dave', 'corp\\DAVE', true],
      ['eve', 'eve@deltica.test', true],
    ] as const) {
      await h.makeUser({ username, role: 'laborant' })
      await h.sql`update users set windows_username = ${windows}, active = ${active}
                  where username = ${username}`
    }
  })
  afterAll(async () => {
    await h?.close()
    await kdc?.stop()
  })

  it('says Windows sign-in is available', async () => {
    const res = await h.call('GET', '/api/auth/negotiate')
    expect(await res.json()).toEqual({ available: true, message: null })
  })

  it('answers a request without a token with 401 and the Negotiate challenge', async () => {
    const res = await negotiate(null)
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Negotiate')
    expect((await res.json()).error).toBe('Требуется вход через Windows (Kerberos)')
    const bad = await h.call('POST', '/api/auth/negotiate', {
      headers: { authorization: 'Basic YWxpY2U6cHc=' },
    })
    expect(bad.status).toBe(401)
    expect((await bad.json()).error).toMatch(/не содержит билета Kerberos/)
  })

  it("signs in with alice's ticket (DOMAIN\\user), audited with the method, mutual auth", async () => {
    const res = await negotiate(await tokenOf('alice'))
    expect(res.status).toBe(200)
    expect(res.headers.get('www-authenticate')).toMatch(/^Negotiate [A-Za-z0-9+/]+=*$/)
    const body = await res.json()
    expect(body.user).toMatchObject({ username: 'alice', role: 'laborant' })
    const me = await h.call('GET', '/api/auth/me', { token: body.token })
    expect(me.status).toBe(200)
    expect(await lastAudit()).toMatchObject({
      action: 'login_success',
      username: 'alice',
      changes: { method: 'kerberos' },
    })
    // the same revocation as any sign-in: logout ends the Windows session's token too
    expect((await h.call('POST', '/api/auth/logout', { token: body.token })).status).toBe(200)
    expect((await h.call('GET', '/api/auth/me', { token: body.token })).status).toBe(401)
  })

  it('matches the account name case-insensitively, in user@domain form too', async () => {
    const dave = await negotiate(await tokenOf('Dave'))
    expect(dave.status).toBe(200)
    expect((await dave.json()).user.username).toBe('dave')
    const eve = await negotiate(await tokenOf('eve'))
    expect((await eve.json()).user.username).toBe('eve')
  })

  it('refuses a replayed token (the GSS replay cache)', async () => {
    const token = await tokenOf('alice')
    expect((await negotiate(token)).status).toBe(200)
    const again = await negotiate(token)
    expect(again.status).toBe(401)
    expect(again.headers.get('www-authenticate')).toBe('Negotiate')
    expect((await again.json()).error).toBe(
      'Билет Kerberos уже был предъявлен (повтор): вход отклонён',
    )
    expect(await lastAudit()).toMatchObject({
      action: 'login_failure',
      changes: { method: 'kerberos', refusal: 'replay' },
    })
  })

  it('refuses a token for another service, even one whose key is in the keytab', async () => {
    const res = await negotiate(await tokenOf('alice', 'HTTP@other.test'))
    expect(res.status).toBe(401)
    expect((await res.json()).error).toMatch(/выдан для другой службы/)
    expect((await lastAudit()).changes.refusal).toBe('wrong_service')
  })

  it('refuses a forged token: a valid one altered, and made-up bytes', async () => {
    const bytes = Buffer.from(await tokenOf('alice'), 'base64')
    bytes[bytes.length - 20] ^= 0xff
    const altered = await negotiate(bytes.toString('base64'))
    expect(altered.status).toBe(401)
    expect((await altered.json()).error).toBe('Билет Kerberos не прошёл проверку: вход отклонён')
    const made = await negotiate(Buffer.from('not a kerberos token at all').toString('base64'))
    expect(made.status).toBe(401)
    expect((await lastAudit()).changes.refusal).toBe('invalid')
  })

  it('refuses a user without a Deltica account, and an inactive account, with 403', async () => {
    const bob = await negotiate(await tokenOf('bob'))
    expect(bob.status).toBe(403)
    expect((await bob.json()).error).toBe(
      `Учётная запись Windows bob@${REALM} не связана с пользователем Deltica. Обратитесь к администратору`,
    )
    expect(await lastAudit()).toMatchObject({
      action: 'login_failure',
      username: `bob@${REALM}`,
      changes: { refusal: 'no_account', principal: `bob@${REALM}` },
    })
    const carol = await negotiate(await tokenOf('carol'))
    expect(carol.status).toBe(403)
    expect((await carol.json()).error).toBe('Учётная запись отключена. Обратитесь к администратору')
  })

  it('refuses a service principal signing in as a user', async () => {
    const keytab = join(kdc.dir, 'http.keytab')
    const cache = `FILE:${join(kdc.dir, 'cc_service')}`
    const r = spawnSync('/usr/bin/kinit', ['-k', '-t', keytab, `HTTP/other.test@${REALM}`], {
      env: { ...process.env, KRB5CCNAME: cache },
      encoding: 'utf8',
    })
    expect(r.status, r.stderr).toBe(0)
    caches.set('service', cache)
    const res = await negotiate(await tokenOf('service'))
    expect(res.status).toBe(403)
    expect((await res.json()).error).toMatch(/не учётная запись пользователя/)
  })

  it("keeps the account's lock after wrong passwords (the sign-in limiter)", async () => {
    const ip = '203.0.113.7'
    for (let i = 0; i < 5; i++) {
      await h.call('POST', '/api/auth/login', { body: { username: 'eve', password: 'wrong' }, ip })
    }
    const res = await negotiate(await tokenOf('eve'), {}, ip)
    expect(res.status).toBe(423)
    expect((await lastAudit()).action).toBe('login_locked')
    await h.sql`delete from sign_in_attempts`
  })

  it('allows credentials from the client origins only, on this route only', async () => {
    const ok = await negotiate(null, { origin: 'app://deltica' })
    expect(ok.headers.get('access-control-allow-origin')).toBe('app://deltica')
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true')
    const stranger = await negotiate(null, { origin: 'https://evil.example' })
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull()
    expect(stranger.headers.get('access-control-allow-credentials')).toBeNull()
    const login = await h.call('POST', '/api/auth/login', {
      body: { username: 'x', password: 'y' },
      headers: { origin: 'app://deltica' },
    })
    expect(login.headers.get('access-control-allow-credentials')).toBe('false')
    const preflight = await h.call('OPTIONS', '/api/auth/negotiate', {
      headers: { origin: 'app://deltica', 'access-control-request-method': 'POST' },
    })
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true')
  })

  it('answers 503 when the keytab holds no key of the configured service', async () => {
    const configured = h.config.kerberos
    h.config.kerberos = { spn: 'HTTP/nothere.test', keytab: configured!.keytab }
    try {
      const res = await negotiate(await tokenOf('alice'))
      expect(res.status).toBe(503)
      expect((await res.json()).error).toBe(
        'Вход через Windows недоступен: в файле ключей нет ключа службы HTTP/nothere.test',
      )
    } finally {
      h.config.kerberos = configured
    }
  })

  it('reports SSO off when the administrator switches it off', async () => {
    await putSettings(h, admin, { windows_sso_enabled: false })
    try {
      const status = await (await h.call('GET', '/api/auth/negotiate')).json()
      expect(status).toEqual({
        available: false,
        message: 'Вход через Windows недоступен: отключён администратором в настройках',
      })
      const res = await negotiate(await tokenOf('alice'))
      expect(res.status).toBe(404)
    } finally {
      await putSettings(h, admin, { windows_sso_enabled: true })
    }
  })

  describe('over HTTP with curl --negotiate', () => {
    let server: Listening
    beforeAll(async () => {
      server = await listen(h.app, { host: '127.0.0.1', port: 0, tls: null })
    })
    afterAll(() => server?.close(1000))

    it('kinit + curl --negotiate -u : signs in (the 401 challenge, then the token)', async () => {
      const port = new URL(server.url).port
      // asynchronous: the server answering curl runs in this process
      const r = await promisify(execFile)(
        'curl',
        [
          '-sS',
          '--negotiate',
          '-u',
          ':',
          '--resolve',
          `localhost:${port}:127.0.0.1`,
          '-X',
          'POST',
          '-w',
          '\n%{http_code}',
          `http://localhost:${port}/api/auth/negotiate`,
        ],
        { env: { ...process.env, KRB5CCNAME: caches.get('alice') }, encoding: 'utf8' },
      )
      const [body, code] = r.stdout.split('\n')
      expect(code).toBe('200')
      expect(JSON.parse(body).user.username).toBe('alice')
    })
  })
})
