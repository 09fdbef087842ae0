import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { harness, PASSWORD, type Harness } from '../../test/app.ts'
import { SyncError, syncUsers } from './sync.ts'

let h: Harness
beforeAll(async () => {
  h = await harness()
})
afterAll(() => h.close())

const users = async () =>
  h.sql`select username, full_name, department, role, active from users order by username`

describe('users:sync', () => {
  it('creates and updates by username, never deletes', async () => {
    await h.makeUser({ username: 'keeper', role: 'admin' })
    const report = await syncUsers(
      h.sql,
      `
users:
  - { username: ivanov, full_name: Иванов И. И., department: gtl, role: laborant, password: pass-word-1 }
  - { username: petrova, full_name: Петрова А. А., department: lbr, role: laborant, password: pass-word-2 }
`,
    )
    expect(report.created).toEqual(['ivanov', 'petrova'])
    const second = await syncUsers(
      h.sql,
      `
users:
  - { username: ivanov, full_name: Иванов И. И., department: ltr, role: laborant }
  - { username: petrova, full_name: Петрова А. А., department: lbr, role: laborant }
`,
    )
    expect(second).toMatchObject({ created: [], updated: ['ivanov'], unchanged: ['petrova'] })
    expect(second.details).toEqual({ ivanov: ['подразделение: gtl → ltr'], petrova: [] })
    expect((await users()).map((u) => u.username)).toEqual(['ivanov', 'keeper', 'petrova'])
    expect((await users()).find((u) => u.username === 'ivanov')!.department).toBe('ltr')
    const [a] = await h.sql`select count(*)::int as n from audit_log where username = 'users:sync'`
    expect(a.n).toBe(3)
  })

  it('a file with any bad entry changes nothing and reports every problem', async () => {
    const before = await users()
    let error: SyncError | undefined
    try {
      await syncUsers(
        h.sql,
        `
users:
  - { username: good1, role: laborant, department: gtl, password: pass-word-1 }
  - { username: "bad name", role: laborant, department: gtl, password: pass-word-1 }
  - { username: good2, role: wizard, password: pass-word-1 }
  - { username: nopass, role: laborant, department: gtl }
`,
      )
    } catch (e) {
      error = e as SyncError
    }
    expect(error).toBeInstanceOf(SyncError)
    expect(error!.problems.join('\n')).toMatch(/users\.1\.username/)
    expect(error!.problems.join('\n')).toMatch(/users\.2\.role/)
    expect(await users()).toEqual(before)
  })

  it('an entry failing at apply time (unknown department, missing password) rolls everything back', async () => {
    const before = await users()
    await expect(
      syncUsers(
        h.sql,
        `
users:
  - { username: fresh1, role: laborant, department: gtl, password: pass-word-1 }
  - { username: fresh2, role: laborant, department: atlantis, password: pass-word-1 }
  - { username: fresh3, role: laborant, department: gtl }
`,
      ),
    ).rejects.toMatchObject({
      problems: [
        expect.stringMatching(/fresh2.*подразделение/),
        expect.stringMatching(/fresh3.*password/),
      ],
    })
    expect(await users()).toEqual(before)
  })

  it('every password that fails the policy is named with its user; nothing is applied', async () => {
    const before = await users()
    await expect(
      syncUsers(
        h.sql,
        `
users:
  - { username: weak1, role: laborant, department: gtl, is_active: true, password: "123" }
  - { username: strong1, role: laborant, department: gtl, is_active: true, password: pass-word-1 }
  - { username: weak2, role: laborant, department: gtl, is_active: true, password: weak2 }
`,
      ),
    ).rejects.toMatchObject({
      problems: [
        expect.stringMatching(/^users\.0\.password: .*\(weak1\)$/),
        expect.stringMatching(/^users\.2\.password: .*\(weak2\)$/),
      ],
    })
    expect(await users()).toEqual(before)
  })

  it('refuses invalid YAML and duplicate usernames', async () => {
    await expect(syncUsers(h.sql, 'users: [ {')).rejects.toThrow(/YAML/)
    await expect(
      syncUsers(
        h.sql,
        'users:\n  - {username: a1, role: admin, password: pass-word-1}\n  - {username: A1, role: admin, password: pass-word-1}',
      ),
    ).rejects.toThrow(/повторяется/)
  })

  it('takes the 1.x users file as it is; an existing admin keeps its password and sessions without --reset-passwords', async () => {
    await h.makeUser({ username: 'admin', role: 'admin', full_name: 'Администратор' })
    const token = await h.login('admin')
    // config/users_config.yaml of Deltica 1.x, as it is
    const legacy = (adminPassword: string) => `
users:
  - username: admin
    password: ${adminPassword}
    windows_username:
    full_name: Администратор
    department: Администрация
    role: admin
    is_active: true
  - username: kuznetsova
    windows_username: CORP\\kuznetsova
    full_name: Кузнецова Е. А.
    department: ГТЛ
    role: laborant
    is_active: true
  - username: orlov
    password: orlov-pass-2019
    windows_username: orlov
    full_name: Орлов П. Р.
    department: lbr
    role: laborant
    is_active: false
`
    const report = await syncUsers(h.sql, legacy('admin123'))
    expect(report.created).toEqual(['kuznetsova', 'orlov'])
    expect(report.unchanged).toEqual(['admin'])
    expect(report.details.admin).toEqual([
      'подразделение «Администрация» не найдено — оставлено прежним',
      'пароль из файла не применён: пользователь уже есть (см. --reset-passwords)',
    ])
    expect(report.details.kuznetsova).toEqual([
      'создан без пароля, вход через Windows (CORP\\kuznetsova)',
    ])
    const rows = await h.sql`
      select username, department, active, windows_username, password_hash is null as no_password
      from users where username in ('kuznetsova', 'orlov') order by username`
    expect(rows).toEqual([
      {
        username: 'kuznetsova',
        department: 'gtl',
        active: true,
        windows_username: 'CORP\\kuznetsova',
        no_password: true,
      },
      {
        username: 'orlov',
        department: 'lbr',
        active: false,
        windows_username: 'orlov',
        no_password: false,
      },
    ])
    // the admin's password and session are untouched
    const me = await h.call('GET', '/api/auth/me', { token })
    expect(me.status).toBe(200)
    await h.login('admin', PASSWORD)

    // with the flag, the weak 1.x password is refused and named with its user; nothing changes
    await expect(
      syncUsers(h.sql, legacy('admin123'), { resetPasswords: true }),
    ).rejects.toMatchObject({
      problems: [expect.stringMatching(/^users\.0\.password: Пароль .*\(admin\)$/)],
    })
    await h.login('admin', PASSWORD)
    // a good one replaces it, and the report says so
    const reset = await syncUsers(h.sql, legacy('new-admin-pass-7'), { resetPasswords: true })
    expect(reset.details.admin).toContain('пароль изменён')
    await h.login('admin', 'new-admin-pass-7')
  })
})
