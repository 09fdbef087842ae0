// Signing in with the Windows domain password against a real directory: Debian's slapd with
// AD-shaped users (test/slapd.ts), over StartTLS and ldaps with a self-signed CA.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIRECTORY_DEFAULT, type DirectoryConfig } from '../domain/users/directory/config.ts'
import { harness, PASSWORD, putSettings, type Harness } from '../test/app.ts'
import {
  BASE_DN,
  SERVICE_DN,
  SERVICE_PASSWORD,
  slapdMissing,
  startSlapd,
  type Slapd,
} from '../test/slapd.ts'

const missing = slapdMissing()
if (missing) console.warn(missing)

const PW = 'Domain-Pa55!'

describe.skipIf(missing)('signing in with the Windows domain password (real slapd)', () => {
  let h: Harness
  let ldap: Slapd
  let admin: string
  let base: DirectoryConfig

  beforeAll(async () => {
    ldap = await startSlapd(
      [
        {
          sam: 'ivanov',
          password: PW,
          groups: ['deltica-lab', 'dept-gtl'],
          displayName: 'Иванов И. И.',
        },
        { sam: 'boss', password: PW, groups: ['deltica-admins'] },
        { sam: 'petrov', password: PW, groups: ['deltica-lab', 'dept-gtl'], uac: 514 },
        { sam: 'outsider', password: PW, groups: ['dept-gtl'] },
        { sam: 'old', password: PW, groups: ['deltica-lab', 'dept-gtl'], expired: true },
        { sam: 'attr', password: PW, groups: ['deltica-lab'], department: 'lbr' },
        { sam: 'sidorov', password: PW, groups: ['deltica-lab'] },
        { sam: 'nocreate', password: PW, groups: ['deltica-lab', 'dept-gtl'] },
        { sam: 'limited', password: PW, groups: ['deltica-lab', 'dept-gtl'] },
      ],
      ['deltica-lab', 'deltica-admins', 'dept-gtl'],
    )
    h = await harness({ config: { directoryBindPassword: SERVICE_PASSWORD } })
    await h.makeUser({ username: 'admin', role: 'admin' })
    admin = await h.login('admin')
    base = {
      ...DIRECTORY_DEFAULT,
      enabled: true,
      urls: [ldap.url],
      starttls: true,
      ca_file: ldap.caFile,
      base_dn: BASE_DN,
      bind_dn: SERVICE_DN,
      domain: 'CORP',
      upn_suffix: 'corp.test',
      create_users: true,
      role_groups: [
        { group: `cn=deltica-admins,ou=groups,${BASE_DN}`, role: 'admin' },
        { group: 'deltica-lab', role: 'laborant' },
      ],
      department_groups: [
        { group: `CN=dept-gtl, OU=groups, ${BASE_DN.toUpperCase()}`, department: 'gtl' },
      ],
      department_attribute: 'department',
    }
    await configure({})
  })
  afterAll(async () => {
    await h?.close()
    await ldap?.stop()
  })

  async function configure(patch: Partial<DirectoryConfig>) {
    const res = await putSettings(h, admin, { directory: { ...base, ...patch } })
    expect(res.status).toBe(200)
  }
  const login = (username: string, password = PW) =>
    h.call('POST', '/api/auth/login', { body: { username, password } })
  const userRow = async (windows: string) =>
    (
      await h.sql`select username, role, department, password_hash, windows_username
                  from users where lower(windows_username) = lower(${windows})`
    )[0]

  it('signs in with the right password; the account is created from the groups', async () => {
    const res = await login('ivanov')
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.user).toMatchObject({ username: 'ivanov', role: 'laborant', department: 'gtl' })
    expect(body.user.full_name).toBe('Иванов И. И.')
    expect(await userRow('CORP\\ivanov')).toMatchObject({ password_hash: null })
    const me = await h.call('GET', '/api/auth/me', { token: body.token })
    expect(me.status).toBe(200)
    const [audit] = await h.sql`select changes from audit_log
      where action = 'login_success' and entity_id = ${String(body.user.id)} order by id desc limit 1`
    expect(audit.changes).toEqual({ method: 'windows' })
    // token revocation as for local accounts: logout ends every session of the user
    await h.call('POST', '/api/auth/logout', { token: body.token })
    expect((await h.call('GET', '/api/auth/me', { token: body.token })).status).toBe(401)
  })

  it('takes DOMAIN\\user and user@domain for the same account', async () => {
    for (const name of ['CORP\\ivanov', 'ivanov@corp.test', 'IVANOV']) {
      const res = await login(name)
      expect(res.status, name).toBe(200)
      expect((await res.json()).user.username).toBe('ivanov')
    }
    const [{ n }] = await h.sql`select count(*)::int as n from users where username = 'ivanov'`
    expect(n).toBe(1)
  })

  it('a wrong password is refused like a wrong local one', async () => {
    const res = await login('CORP\\boss', 'not-the-password')
    expect(res.status).toBe(401)
    expect((await res.json()).error).toBe('Неверный логин или пароль')
    const unknown = await login('CORP\\nobody-here', 'not-the-password')
    expect(unknown.status).toBe(401)
    expect((await unknown.json()).error).toBe('Неверный логин или пароль')
  })

  it('an empty-looking password never becomes an anonymous bind', async () => {
    expect((await login('ivanov', ' ')).status).toBe(401)
  })

  it('group → role: a member of the admins group is an admin', async () => {
    const res = await login('boss@corp.test')
    expect(res.status).toBe(200)
    expect((await res.json()).user).toMatchObject({ role: 'admin', department: null })
  })

  it('department from the attribute when no department group matches', async () => {
    const res = await login('attr')
    expect(res.status).toBe(200)
    expect((await res.json()).user).toMatchObject({ role: 'laborant', department: 'lbr' })
  })

  it('a disabled Windows account is refused with its reason', async () => {
    const res = await login('petrov')
    expect(res.status).toBe(401)
    expect((await res.json()).error).toMatch(/Учётная запись Windows отключена/)
    expect(await userRow('CORP\\petrov')).toBeUndefined()
  })

  it('outside the allowed groups: refused, no account made', async () => {
    const res = await login('outsider')
    expect(res.status).toBe(403)
    expect((await res.json()).error).toMatch(/нет в группах доступа/)
    expect(await userRow('CORP\\outsider')).toBeUndefined()
  })

  it('an expired password (ppolicy) is named as such', async () => {
    const res = await login('old')
    expect(res.status).toBe(401)
    expect((await res.json()).error).toMatch(/Срок действия пароля Windows истёк/)
  })

  it('first-sign-in creation off: refused; an account with windows_username still signs in', async () => {
    await configure({ create_users: false })
    const res = await login('nocreate')
    expect(res.status).toBe(403)
    expect((await res.json()).error).toMatch(/нет пользователя Deltica/)
    expect(await userRow('CORP\\nocreate')).toBeUndefined()

    const id = await h.makeUser({ username: 'sidorov-local', role: 'laborant', department: 'ltr' })
    const [{ version }] = await h.sql`select version from users where id = ${id}`
    const patch = await h.call('PATCH', `/api/users/${id}`, {
      token: admin,
      body: { windows_username: 'sidorov@corp.test', version },
    })
    expect(patch.status).toBe(200)
    expect(await patch.json()).toMatchObject({
      windows_username: 'sidorov@corp.test',
      sign_in_method: 'both',
    })
    const ok = await login('CORP\\sidorov')
    expect(ok.status).toBe(200)
    // the account keeps the role and department the admin gave it
    expect((await ok.json()).user).toMatchObject({ username: 'sidorov-local', department: 'ltr' })
    await configure({})
  })

  it('LDAP injection in the name finds nobody', async () => {
    // unescaped, `ivano*` would match ivanov alone and sign in with his password
    for (const name of [
      'ivano*',
      'CORP\\ivano*',
      '*',
      'ivanov)(cn=*',
      '*)(|(sAMAccountName=*',
      'a\\b\\ivanov',
    ]) {
      const res = await login(name)
      expect(res.status, name).toBe(401)
    }
    const nul = await login('ivanov\u0000')
    expect(nul.status).toBe(400)
  })

  it('ldaps:// with the self-signed CA; an untrusted certificate is "unavailable"', async () => {
    await configure({ urls: [ldap.ldapsUrl], starttls: false })
    expect((await login('ivanov')).status).toBe(200)
    await configure({ urls: [ldap.ldapsUrl], starttls: false, ca_file: '' })
    expect((await login('ivanov')).status).toBe(503)
    await configure({ urls: [ldap.url], starttls: true, ca_file: '' })
    expect((await login('ivanov')).status).toBe(503)
    await configure({})
  })

  it('plain ldap:// without StartTLS is refused by the settings', async () => {
    const res = await putSettings(h, admin, { directory: { ...base, starttls: false } })
    expect(res.status).toBe(400)
  })

  it('the next server is tried when the first is down', async () => {
    await configure({ urls: [ldap.deadUrl, ldap.url] })
    expect((await login('ivanov')).status).toBe(200)
    await configure({})
  })

  it('directory down: a clear error, and the local admin still signs in', async () => {
    await configure({ urls: [ldap.deadUrl], timeout_seconds: 2 })
    const res = await login('ivanov')
    expect(res.status).toBe(503)
    const body = await res.json()
    expect(body.error).toMatch(/Сервер домена Windows недоступен/)
    expect(JSON.stringify(body)).not.toContain('127.0.0.1')
    expect((await login('admin', PASSWORD)).status).toBe(200)
    await configure({})
  })

  it('the limiter stops guesses below the domain lockout, before any bind', async () => {
    await putSettings(h, admin, { directory_max_attempts: 2 })
    expect((await login('limited', 'wrong-1')).status).toBe(401)
    expect((await login('CORP\\limited', 'wrong-2')).status).toBe(423)
    // the right password too: refused without asking the domain
    expect((await login('limited@corp.test')).status).toBe(423)
    await putSettings(h, admin, { directory_max_attempts: 3 })
  })

  it('admin: checks the connection and looks a user up without his password', async () => {
    const check = await h.call('POST', '/api/directory/check', { token: admin, body: {} })
    const checked = await check.json()
    expect(checked).toMatchObject({ ok: true })
    const bad = await h.call('POST', '/api/directory/check', {
      token: admin,
      body: { directory: { ...base, urls: [ldap.deadUrl], timeout_seconds: 1 } },
    })
    const badBody = await bad.json()
    expect(badBody.ok).toBe(false)
    expect(badBody.causes.length).toBeGreaterThan(0)

    const look = await h.call('POST', '/api/directory/lookup', {
      token: admin,
      body: { username: 'CORP\\ivanov' },
    })
    expect(look.status).toBe(200)
    expect((await look.json()).user).toMatchObject({
      user: 'ivanov',
      role: 'laborant',
      department: 'gtl',
      groups: expect.arrayContaining([`cn=deltica-lab,ou=groups,${BASE_DN}`]),
      account: { username: 'ivanov' },
    })
    const outsider = await h.call('POST', '/api/directory/lookup', {
      token: admin,
      body: { username: 'outsider' },
    })
    expect((await outsider.json()).user).toMatchObject({ role: null })

    const lab = await login('ivanov')
    const { token } = await lab.json()
    const denied = await h.call('POST', '/api/directory/check', { token, body: {} })
    expect(denied.status).toBe(403)
  })
})
