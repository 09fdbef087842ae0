import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { harness, PASSWORD, type Harness, putSettings } from '../test/app.ts'
import { signToken } from '../runtime/auth.ts'

let h: Harness
beforeAll(async () => {
  h = await harness()
  await h.makeUser({ username: 'metrolog', role: 'admin', full_name: 'Иванов И. И.' })
  await h.makeUser({ username: 'lab1', role: 'laborant', department: 'gtl' })
})
afterAll(() => h.close())

const login = (username: string, password: string, ip?: string) =>
  h.call('POST', '/api/auth/login', { body: { username, password }, ip })

describe('login / me / logout / password', () => {
  it('logs in and answers {token, user}', async () => {
    const res = await login('metrolog', PASSWORD)
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.user).toEqual({
      id: expect.any(Number),
      username: 'metrolog',
      full_name: 'Иванов И. И.',
      department: null,
      role: 'admin',
    })
    const me = await h.call('GET', '/api/auth/me', { token: body.token })
    expect(await me.json()).toEqual(body.user)
  })

  it('the username is case-insensitive', async () => {
    expect((await login('METROLOG', PASSWORD)).status).toBe(200)
  })

  it('unknown user and wrong password get the same 401 answer', async () => {
    const a = await login('nobody', 'whatever1')
    const b = await login('metrolog', 'whatever1')
    expect(a.status).toBe(401)
    expect(b.status).toBe(401)
    expect(await a.json()).toEqual(await b.json())
  })

  it('unknown user and wrong password take similar time (the dummy hash is checked)', async () => {
    await login('nobody', 'x') // warm the dummy hash
    const time = async (u: string) => {
      const t = performance.now()
      await login(u, 'wrong-password')
      return performance.now() - t
    }
    // Interleaved samples, the fastest of each kind: a busy machine slows phases, not one kind.
    const unknownTimes: number[] = []
    const knownTimes: number[] = []
    for (let i = 0; i < 5; i++) {
      unknownTimes.push(await time(`nobody${i}`))
      knownTimes.push(await time('lab1'))
      await h.sql`update users set failed_logins = 0, locked_until = null where username = 'lab1'`
    }
    const unknown = Math.min(...unknownTimes)
    const known = Math.min(...knownTimes)
    await h.sql`update users set failed_logins = 0, locked_until = null where username = 'lab1'`
    expect(unknown / known).toBeGreaterThan(0.5)
    expect(unknown / known).toBeLessThan(2)
  })

  it('no token, garbage, tampered, wrong-secret and expired tokens are 401', async () => {
    const token = await h.login('lab1')
    const me = (t?: string) => h.call('GET', '/api/auth/me', { token: t })
    expect((await me()).status).toBe(401)
    expect((await me('garbage')).status).toBe(401)
    const [head, payload, sig] = token.split('.')
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: '1' }),
    ).toString('base64url')
    expect((await me(`${head}.${forged}.${sig}`)).status).toBe(401)
    const [{ id }] = await h.sql`select id from users where username = 'lab1'`
    expect(
      (
        await me(
          await signToken({ userId: id, tokenVersion: 1 }, 'another-secret-another-secret-xx'),
        )
      ).status,
    ).toBe(401)
    const expired = await new SignJWT({ tv: 1 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(id))
      .setIssuer('deltica')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 13 * 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(h.config.secretKey))
    expect((await me(expired)).status).toBe(401)
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`
    expect((await me(none)).status).toBe(401)
    expect((await me(token)).status).toBe(200)
  })

  it('logout revokes the token (and older ones)', async () => {
    const first = await h.login('lab1')
    const second = await h.login('lab1')
    expect((await h.call('POST', '/api/auth/logout', { token: second })).status).toBe(200)
    expect((await h.call('GET', '/api/auth/me', { token: second })).status).toBe(401)
    expect((await h.call('GET', '/api/auth/me', { token: first })).status).toBe(401)
    expect((await h.call('GET', '/api/auth/me', { token: await h.login('lab1') })).status).toBe(200)
  })

  it('password change: wrong current is 400, success revokes old tokens and returns a new one', async () => {
    await h.makeUser({ username: 'changer', role: 'laborant', department: 'lbr' })
    const old = await h.login('changer')
    const wrong = await h.call('POST', '/api/auth/password', {
      token: old,
      body: { current_password: 'nope', new_password: 'new-password-1' },
    })
    expect(wrong.status).toBe(400)
    const short = await h.call('POST', '/api/auth/password', {
      token: old,
      body: { current_password: PASSWORD, new_password: 'short' },
    })
    expect(short.status).toBe(400)
    expect((await short.json()).fields[0]).toEqual({
      field: 'new_password',
      message: 'Пароль не короче 10 символов',
    })
    const own = await h.call('POST', '/api/auth/password', {
      token: old,
      body: { current_password: PASSWORD, new_password: 'CHANGER' },
    })
    expect((await own.json()).fields[0].field).toBe('new_password')
    const ok = await h.call('POST', '/api/auth/password', {
      token: old,
      body: { current_password: PASSWORD, new_password: 'new-password-1' },
    })
    expect(ok.status).toBe(200)
    const { token } = await ok.json()
    expect((await h.call('GET', '/api/auth/me', { token: old })).status).toBe(401)
    expect((await h.call('GET', '/api/auth/me', { token })).status).toBe(200)
    expect((await login('changer', PASSWORD)).status).toBe(401)
    expect((await login('changer', 'new-password-1')).status).toBe(200)
  })

  it('a deactivated user cannot log in and their tokens stop working', async () => {
    const id = await h.makeUser({ username: 'leaver', role: 'laborant', department: 'ltr' })
    const token = await h.login('leaver')
    const admin = await h.login('metrolog')
    const res = await h.call('PATCH', `/api/users/${id}`, {
      token: admin,
      body: { active: false, version: 1 },
    })
    expect(res.status).toBe(200)
    expect((await h.call('GET', '/api/auth/me', { token })).status).toBe(401)
    expect((await login('leaver', PASSWORD)).status).toBe(401)
  })
})

describe('lockout', () => {
  // one client machine: the lock is per account and address
  const at = (username: string, password: string) => login(username, password, '203.0.113.5')

  it('locks on the 5th consecutive failure (423), refuses the right password while locked, unlocks after the period', async () => {
    await h.makeUser({ username: 'victim', role: 'laborant', department: 'es' })
    for (let i = 1; i <= 4; i++) expect((await at('victim', `bad-${i}`)).status).toBe(401)
    const fifth = await at('victim', 'bad-5')
    expect(fifth.status).toBe(423)
    expect((await fifth.json()).error).toMatch(/заблокирована/)
    expect((await at('victim', PASSWORD)).status).toBe(423)
    // the lock period passes
    await h.sql`update sign_in_attempts set until = now() - interval '1 second' where account = 'victim'`
    expect((await at('victim', PASSWORD)).status).toBe(200)
    const [row] =
      await h.sql`select failed_logins, locked_until from users where username = 'victim'`
    expect(row).toEqual({ failed_logins: 0, locked_until: null })
  })

  it('a success resets the counter; failures after an expired lock count from one', async () => {
    await h.makeUser({ username: 'forgetful', role: 'laborant', department: 'es' })
    for (let i = 0; i < 4; i++) await at('forgetful', 'bad')
    expect((await at('forgetful', PASSWORD)).status).toBe(200)
    for (let i = 0; i < 4; i++) expect((await at('forgetful', 'bad')).status).toBe(401)
  })

  it('the admin unlocks a locked account', async () => {
    const id = await h.makeUser({ username: 'locked1', role: 'laborant', department: 'es' })
    for (let i = 0; i < 5; i++) await at('locked1', 'bad')
    const admin = await h.login('metrolog')
    const list = await (await h.call('GET', '/api/users', { token: admin })).json()
    expect(list.items.find((u: any) => u.id === id).locked_until).not.toBeNull()
    const res = await h.call('PATCH', `/api/users/${id}`, { token: admin, body: { unlock: true } })
    expect((await res.json()).locked_until).toBeNull()
    expect((await at('locked1', PASSWORD)).status).toBe(200)
  })

  it('the lockout policy comes from settings', async () => {
    const admin = await h.login('metrolog')
    await putSettings(h, admin, { lockout_attempts: 2 })
    await h.makeUser({ username: 'strict', role: 'laborant', department: 'es' })
    expect((await at('strict', 'bad')).status).toBe(401)
    expect((await at('strict', 'bad')).status).toBe(423)
    await putSettings(h, admin, { lockout_attempts: 5 })
  })
})

describe('the sign-in limiter', () => {
  const checked = async (username: string) => {
    const [{ n }] = await h.sql`
      select count(*)::int as n from audit_log
      where lower(username) = ${username} and action in ('login_failure', 'login_lockout')`
    return n
  }

  it('25 parallel logins (24 wrong, the right one sent while they hash): 5 checked, the right one 423', async () => {
    await h.makeUser({ username: 'raced', role: 'laborant', department: 'es' })
    const ip = '203.0.113.25'
    let answered = 0
    const wrong = Array.from({ length: 24 }, (_, i) =>
      login('raced', `wrong-guess-${i}`, ip).then((r) => {
        answered++
        return r.status
      }),
    )
    // the first answer back: the wrong guesses have reached the server and are being hashed
    await Promise.race(wrong)
    const answeredBefore = answered
    const right = await login('raced', PASSWORD, ip)
    const statuses = await Promise.all(wrong)
    expect(answeredBefore).toBeLessThan(24)
    expect(right.status).toBe(423)
    expect(await checked('raced')).toBe(5)
    expect(statuses.filter((s) => s === 401)).toHaveLength(4)
    expect(statuses.filter((s) => s === 423)).toHaveLength(20)
  })

  it('an unknown name is answered like a real one: 401 four times, then 423 at the same count', async () => {
    await h.makeUser({ username: 'realname', role: 'laborant', department: 'es' })
    const answers = async (username: string, ip: string) => {
      const out = []
      for (let i = 0; i < 6; i++) {
        const res = await login(username, `guess-${i}`, ip)
        out.push({
          status: res.status,
          error: (await res.json()).error.replace(/\d\d:\d\d/, 'ЧЧ:ММ'),
        })
      }
      return out
    }
    const real = await answers('realname', '203.0.113.31')
    const ghost = await answers('no-such-name', '203.0.113.32')
    expect(real.map((a) => a.status)).toEqual([401, 401, 401, 401, 423, 423])
    expect(ghost).toEqual(real)
  })

  it('a stranger on another machine does not lock the owner out; the account-wide cap does', async () => {
    await h.makeUser({ username: 'boss', role: 'admin' })
    for (let i = 0; i < 6; i++) await login('boss', `guess-${i}`, '198.18.0.66')
    expect((await login('boss', PASSWORD, '198.18.0.66')).status).toBe(423)
    expect((await login('boss', PASSWORD, '198.18.0.10')).status).toBe(200)

    const admin = await h.login('metrolog')
    await putSettings(h, admin, { lockout_account_attempts: 8 })
    await h.makeUser({ username: 'spread', role: 'laborant', department: 'es' })
    // eight guesses from eight machines, none of them locked by itself
    for (let i = 0; i < 8; i++) await login('spread', `guess-${i}`, `198.18.1.${i}`)
    expect((await login('spread', PASSWORD, '198.18.1.200')).status).toBe(423)
    await putSettings(h, admin, { lockout_account_attempts: 50 })
  })

  it('password change: wrong current passwords are limited like logins (400 ×4, then 423)', async () => {
    await h.makeUser({ username: 'stolen', role: 'laborant', department: 'es' })
    const token = await h.login('stolen')
    const change = (current: string) =>
      h.call('POST', '/api/auth/password', {
        token,
        body: { current_password: current, new_password: 'fresh-horse-77' },
        ip: '203.0.113.40',
      })
    const statuses = []
    for (let i = 0; i < 40; i++) statuses.push((await change(`guess-${i}`)).status)
    expect(statuses.slice(0, 4)).toEqual([400, 400, 400, 400])
    expect(new Set(statuses.slice(4))).toEqual(new Set([423]))
    expect((await change(PASSWORD)).status).toBe(423)
    const [{ n }] = await h.sql`
      select count(*)::int as n from audit_log
      where username = 'stolen' and action like 'password_change_%'`
    expect(n).toBe(5)
  })
})

describe('rate limit', () => {
  it('too many logins from one address → 429 with Retry-After', async () => {
    const admin = await h.login('metrolog')
    await putSettings(h, admin, { login_rate_per_minute: 3 })
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await login('nobody', 'x', '192.0.2.7')).status)
    expect(statuses).toEqual([401, 401, 401, 429])
    const res = await login('metrolog', PASSWORD, '192.0.2.7')
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await login('metrolog', PASSWORD, '192.0.2.8')).status).toBe(200)
    await putSettings(h, admin, { login_rate_per_minute: 30 })
  })
})

describe('behind a reverse proxy (TRUSTED_PROXIES)', () => {
  let p: Harness
  beforeAll(async () => {
    p = await harness({ config: { trustedProxies: ['10.20.0.0/16'] } })
    await p.makeUser({ username: 'proxied', role: 'admin' })
  })
  afterAll(() => p.close())
  // every request comes from the nginx at 10.20.0.2; the client is in X-Forwarded-For
  const via = (client: string, password: string) =>
    p.call('POST', '/api/auth/login', {
      body: { username: 'proxied', password },
      ip: '10.20.0.2',
      headers: { 'x-forwarded-for': `203.0.113.250, ${client}` },
    })

  it("one client's failures do not lock or rate-limit another behind the same proxy", async () => {
    for (let i = 0; i < 5; i++) await via('198.51.100.61', `guess-${i}`)
    expect((await via('198.51.100.61', PASSWORD)).status).toBe(423)
    expect((await via('198.51.100.62', PASSWORD)).status).toBe(200)
    const admin = await p.login('proxied')
    await putSettings(p, admin, { login_rate_per_minute: 3 })
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await via('198.51.100.63', `guess-${i}`)).status)
    expect(statuses).toEqual([401, 401, 401, 429])
    expect((await via('198.51.100.64', PASSWORD)).status).toBe(200)
  })

  it('the audit and the request log record the client, not the proxy', async () => {
    await via('198.51.100.70', PASSWORD)
    const [row] = await p.sql`
      select ip from audit_log where action = 'login_success' order by id desc limit 1`
    expect(row.ip).toBe('198.51.100.70')
    const line = p.logs
      .map((l) => JSON.parse(l))
      .filter((l) => l.msg === 'request')
      .at(-1)
    expect(line.ip).toBe('198.51.100.70')
  })

  it('X-Forwarded-For from anyone else is not believed', async () => {
    await h.call('POST', '/api/auth/login', {
      body: { username: 'metrolog', password: PASSWORD },
      ip: '192.0.2.99',
      headers: { 'x-forwarded-for': '198.51.100.99' },
    })
    const [row] = await h.sql`
      select ip from audit_log where action = 'login_success' order by id desc limit 1`
    expect(row.ip).toBe('192.0.2.99')
  })
})

describe('audit of logins', () => {
  it('records success, failure (known and unknown user) and lockout with the address', async () => {
    await h.makeUser({ username: 'audited', role: 'laborant', department: 'es' })
    await login('audited', PASSWORD, '198.51.100.1')
    await login('audited', 'bad', '198.51.100.2')
    await login('ghost', 'bad', '198.51.100.3')
    const rows = await h.sql`
      select action, username, ip from audit_log where ip like '198.51.100.%' order by id`
    expect(rows).toEqual([
      { action: 'login_success', username: 'audited', ip: '198.51.100.1' },
      { action: 'login_failure', username: 'audited', ip: '198.51.100.2' },
      { action: 'login_failure', username: 'ghost', ip: '198.51.100.3' },
    ])
    const [{ n }] =
      await h.sql`select count(*)::int as n from audit_log where action = 'login_lockout'`
    expect(n).toBeGreaterThan(0)
  })

  it('the audit log refuses updates and deletes', async () => {
    await expect(h.sql`update audit_log set action = 'x'`).rejects.toThrow(/append-only/)
    await expect(h.sql`delete from audit_log`).rejects.toThrow(/append-only/)
  })
})
