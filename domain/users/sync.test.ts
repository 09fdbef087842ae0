import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { harness, type Harness } from '../../test/app.ts'
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
    expect(second).toEqual({ created: [], updated: ['ivanov'], unchanged: ['petrova'] })
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

  it('refuses invalid YAML and duplicate usernames', async () => {
    await expect(syncUsers(h.sql, 'users: [ {')).rejects.toThrow(/YAML/)
    await expect(
      syncUsers(
        h.sql,
        'users:\n  - {username: a1, role: admin, password: pass-word-1}\n  - {username: A1, role: admin, password: pass-word-1}',
      ),
    ).rejects.toThrow(/повторяется/)
  })
})
