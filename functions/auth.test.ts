import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { harness, PASSWORD, type Harness } from '../test/app.ts'
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
    const unknown = Math.min(await time('nobody'), await time('nobody2'), await time('nobody3'))
    const known = Math.min(await time('lab1'), await time('lab1'), await time('lab1'))
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
      message: 'Пароль не короче 8 символов',
    })
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
    const res = await h.call('PATCH', `/api/users/${id}`, { token: admin, body: { active: false } })
    expect(res.status).toBe(200)
    expect((await h.call('GET', '/api/auth/me', { token })).status).toBe(401)
    expect((await login('leaver', PASSWORD)).status).toBe(401)
  })
})

describe('lockout', () => {
  it('locks on the 5th consecutive failure (423), refuses the right password while locked, unlocks after the period', async () => {
    await h.makeUser({ username: 'victim', role: 'laborant', department: 'es' })
    for (let i = 1; i <= 4; i++) expect((await login('victim', `bad-${i}`)).status).toBe(401)
    const fifth = await login('victim', 'bad-5')
    expect(fifth.status).toBe(423)
    expect((await fifth.json()).error).toMatch(/заблокирована/)
    expect((await login('victim', PASSWORD)).status).toBe(423)
    // the lock period passes
    await h.sql`update users set locked_until = now() - interval '1 second' where username = 'victim'`
    expect((await login('victim', PASSWORD)).status).toBe(200)
    const [row] =
      await h.sql`select failed_logins, locked_until from users where username = 'victim'`
    expect(row).toEqual({ failed_logins: 0, locked_until: null })
  })

  it('a success resets the counter; failures after an expired lock count from one', async () => {
    await h.makeUser({ username: 'forgetful', role: 'laborant', department: 'es' })
    for (let i = 0; i < 4; i++) await login('forgetful', 'bad')
    expect((await login('forgetful', PASSWORD)).status).toBe(200)
    for (let i = 0; i < 4; i++) expect((await login('forgetful', 'bad')).status).toBe(401)
  })

  it('the admin unlocks a locked account', async () => {
    const id = await h.makeUser({ username: 'locked1', role: 'laborant', department: 'es' })
    for (let i = 0; i < 5; i++) await login('locked1', 'bad')
    const admin = await h.login('metrolog')
    const list = await (await h.call('GET', '/api/users', { token: admin })).json()
    expect(list.items.find((u: any) => u.id === id).locked_until).not.toBeNull()
    const res = await h.call('PATCH', `/api/users/${id}`, { token: admin, body: { unlock: true } })
    expect((await res.json()).locked_until).toBeNull()
    expect((await login('locked1', PASSWORD)).status).toBe(200)
  })

  it('the lockout policy comes from settings', async () => {
    const admin = await h.login('metrolog')
    await h.call('PUT', '/api/settings', { token: admin, body: { lockout_attempts: 2 } })
    await h.makeUser({ username: 'strict', role: 'laborant', department: 'es' })
    expect((await login('strict', 'bad')).status).toBe(401)
    expect((await login('strict', 'bad')).status).toBe(423)
    await h.call('PUT', '/api/settings', { token: admin, body: { lockout_attempts: 5 } })
  })
})

describe('rate limit', () => {
  it('too many logins from one address → 429 with Retry-After', async () => {
    const admin = await h.login('metrolog')
    await h.call('PUT', '/api/settings', { token: admin, body: { login_rate_per_minute: 3 } })
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await login('nobody', 'x', '192.0.2.7')).status)
    expect(statuses).toEqual([401, 401, 401, 429])
    const res = await login('metrolog', PASSWORD, '192.0.2.7')
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await login('metrolog', PASSWORD, '192.0.2.8')).status).toBe(200)
    await h.call('PUT', '/api/settings', { token: admin, body: { login_rate_per_minute: 30 } })
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
