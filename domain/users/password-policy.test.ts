// One password policy (runtime/password-policy.ts) on every path that sets a password: the users
// API (create, reset), the YAML sync, the first admin (ADMIN_PASSWORD; the config's check is in
// runtime/config.test.ts) and the own change (functions/auth.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { harness, PASSWORD, type Harness } from '../../test/app.ts'
import { createLogger } from '../../runtime/log.ts'
import { passwordProblem } from '../../runtime/password-policy.ts'
import { ensureFirstAdmin } from '../bootstrap.ts'
import { SyncError, syncUsers } from './sync.ts'

let h: Harness
let admin: string
beforeAll(async () => {
  h = await harness()
  await h.makeUser({ username: 'chief', role: 'admin' })
  admin = await h.login('chief')
})
afterAll(() => h.close())

const WEAK: [string, string, RegExp][] = [
  ['eight digits', '12345678', /не короче 10 символов/],
  ['a common word', 'password', /не короче 10 символов/],
  ['ten digits in a row', '1234567890', /слишком простой/],
  ['a common password', 'password123', /слишком простой/],
  ['a keyboard row', 'qwertyuiop', /слишком простой/],
  ['ten spaces', ' '.repeat(10), /только из пробелов/],
  ['one repeated character', '%'.repeat(14), /одного повторяющегося символа/],
  ['the username', 'Kuznetsova', /не должен совпадать с логином/],
]

describe('the password policy', () => {
  it.each(WEAK)('refuses %s, saying what to change', (_name, password, message) => {
    expect(passwordProblem(password, 'kuznetsova')).toMatch(message)
  })

  it('accepts a long passphrase and a random password', () => {
    expect(passwordProblem('correct-horse-42', 'kuznetsova')).toBeNull()
    expect(passwordProblem('Новый-пароль-12', 'kuznetsova')).toBeNull()
    expect(passwordProblem('q7#Vx9!mR2pL', 'kuznetsova')).toBeNull()
  })

  it.each(WEAK)(
    'the users API refuses %s (400, the field named)',
    async (_n, password, message) => {
      const res = await h.call('POST', '/api/users', {
        token: admin,
        body: { username: 'kuznetsova', role: 'admin', password },
      })
      expect(res.status).toBe(400)
      const body = await res.json()
      expect(body.fields).toEqual([{ field: 'password', message: expect.stringMatching(message) }])
    },
  )

  it("an admin's reset refuses the user's own name; a good password is set", async () => {
    const id = await h.makeUser({ username: 'orlovsky-a', role: 'laborant' })
    const reset = (password: string) =>
      h.call('PATCH', `/api/users/${id}`, { token: admin, body: { password } })
    const res = await reset('ORLOVSKY-A')
    expect(res.status).toBe(400)
    expect((await res.json()).fields).toEqual([
      { field: 'password', message: 'Пароль не должен совпадать с логином' },
    ])
    expect((await reset('orlov-orlov-1')).status).toBe(200)
  })

  it("the own change refuses the user's name as the new password", async () => {
    await h.makeUser({ username: 'selfnamed-user', role: 'laborant' })
    const res = await h.call('POST', '/api/auth/password', {
      token: await h.login('selfnamed-user'),
      body: { current_password: PASSWORD, new_password: 'SelfNamed-User' },
    })
    expect(res.status).toBe(400)
    expect((await res.json()).fields).toEqual([
      { field: 'new_password', message: 'Пароль не должен совпадать с логином' },
    ])
  })

  it('the YAML sync refuses weak passwords and changes nothing', async () => {
    const file = `
users:
  - { username: sidorov, role: laborant, department: gtl, password: "12345678" }
  - { username: petrov, role: laborant, department: gtl, password: "qwertyuiop" }
  - { username: fedorov, role: laborant, department: gtl, password: "fedorov" }
`
    const error = await syncUsers(h.sql, file).catch((e) => e)
    expect(error).toBeInstanceOf(SyncError)
    expect(error.problems).toEqual([
      expect.stringMatching(/users\.0\.password: Пароль не короче 10 символов/),
      expect.stringMatching(/users\.1\.password: Пароль слишком простой/),
      expect.stringMatching(/users\.2\.password: Пароль не короче 10 символов/),
    ])
    const named = `
users:
  - { username: fedorovich, role: laborant, department: gtl, password: "Fedorovich" }
`
    const second = await syncUsers(h.sql, named).catch((e) => e)
    expect(second.problems).toEqual([expect.stringMatching(/совпадать с логином/)])
    const [{ n }] = await h.sql`
      select count(*)::int as n from users where username in ('sidorov', 'petrov', 'fedorov', 'fedorovich')`
    expect(n).toBe(0)
  })

  it('the first admin is not created from a weak ADMIN_PASSWORD', async () => {
    const fresh = await harness()
    try {
      const log = createLogger({ level: 'error', sink: () => {} })
      await expect(ensureFirstAdmin(fresh.sql, 'a', log)).rejects.toThrow(
        'ADMIN_PASSWORD: Пароль не короче 10 символов',
      )
      const [{ none }] = await fresh.sql`select count(*)::int as none from users`
      expect(none).toBe(0)
      await expect(ensureFirstAdmin(fresh.sql, 'first-admin-key-9', log)).resolves.toBe(true)
      expect(await fresh.login('admin', 'first-admin-key-9')).toBeTruthy()
      const [{ n }] = await fresh.sql`select count(*)::int as n from users where role = 'admin'`
      expect(n).toBe(1)
    } finally {
      await fresh.close()
    }
  })
})
