import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { harness, type Harness } from '../test/app.ts'

let h: Harness
let admin: string
let laborant: string
beforeAll(async () => {
  h = await harness()
  await h.makeUser({ username: 'boss', role: 'admin' })
  await h.makeUser({ username: 'lab', role: 'laborant', department: 'gtl' })
  admin = await h.login('boss')
  laborant = await h.login('lab')
})
afterAll(() => h.close())

describe('RBAC', () => {
  it.each([
    ['GET', '/api/users'],
    ['POST', '/api/users'],
    ['PATCH', '/api/users/1'],
    ['PUT', '/api/settings'],
    ['POST', '/api/departments'],
  ])('a laborant gets 403 on %s %s; without a token 401', async (method, path) => {
    const body = method === 'GET' ? undefined : {}
    expect((await h.call(method, path, { token: laborant, body })).status).toBe(403)
    expect((await h.call(method, path, { body })).status).toBe(401)
  })
})

describe('users API', () => {
  it('creates a user, validates fields, refuses duplicates, audits without secrets', async () => {
    const bad = await h.call('POST', '/api/users', {
      token: admin,
      body: { username: 'x', role: 'laborant', password: 'short' },
    })
    expect(bad.status).toBe(400)
    const fields = (await bad.json()).fields.map((f: any) => f.field)
    expect(fields).toEqual(expect.arrayContaining(['username', 'password']))

    const noDept = await h.call('POST', '/api/users', {
      token: admin,
      body: { username: 'newlab', role: 'laborant', password: 'lab-entry-71' },
    })
    expect(noDept.status).toBe(400)
    expect((await noDept.json()).fields[0].field).toBe('department')

    const unknownDept = await h.call('POST', '/api/users', {
      token: admin,
      body: { username: 'newlab', role: 'laborant', department: 'mars', password: 'lab-entry-71' },
    })
    expect(unknownDept.status).toBe(400)

    const ok = await h.call('POST', '/api/users', {
      token: admin,
      body: {
        username: 'newlab',
        full_name: 'Петрова А. А.',
        role: 'laborant',
        department: 'lbr',
        password: 'lab-entry-71',
      },
    })
    expect(ok.status).toBe(201)
    const created = await ok.json()
    expect(created).toMatchObject({
      username: 'newlab',
      department: 'lbr',
      role: 'laborant',
      active: true,
      locked_until: null,
    })
    expect(created).not.toHaveProperty('password_hash')

    const dup = await h.call('POST', '/api/users', {
      token: admin,
      body: { username: 'NEWLAB', role: 'admin', password: 'lab-entry-71' },
    })
    expect(dup.status).toBe(409)

    const [entry] =
      await h.sql`select username, action, changes from audit_log where action = 'user_create' and entity_id = ${String(created.id)}`
    expect(entry.username).toBe('boss')
    expect(entry.changes.department).toEqual({ old: null, new: 'lbr' })
    expect(JSON.stringify(entry.changes)).not.toContain('lab-entry-71')
  })

  it('updates role/department/active, resets a password; audit has old → new', async () => {
    const id = await h.makeUser({ username: 'mover', role: 'laborant', department: 'gtl' })
    const res = await h.call('PATCH', `/api/users/${id}`, {
      token: admin,
      body: { department: 'ltr', password: 'reset-pass-1' },
    })
    expect(res.status).toBe(200)
    expect((await res.json()).department).toBe('ltr')
    expect(
      (
        await h.call('POST', '/api/auth/login', {
          body: { username: 'mover', password: 'reset-pass-1' },
        })
      ).status,
    ).toBe(200)
    const [entry] =
      await h.sql`select changes from audit_log where action = 'user_update' and entity_id = ${String(id)} order by id desc limit 1`
    expect(entry.changes).toEqual({
      department: { old: 'gtl', new: 'ltr' },
      password: { old: '***', new: '***' },
    })
  })

  it('404 for an unknown id, 400 for a bad id, no delete route', async () => {
    expect(
      (await h.call('PATCH', '/api/users/999999', { token: admin, body: { full_name: 'x' } }))
        .status,
    ).toBe(404)
    expect(
      (await h.call('PATCH', '/api/users/abc', { token: admin, body: { full_name: 'x' } })).status,
    ).toBe(400)
    const del = await h.call('DELETE', '/api/users/1', { token: admin })
    expect(del.status).toBe(405) // no delete route: the method is refused, with what is allowed
    expect(del.headers.get('allow')).not.toContain('DELETE')
  })

  it('the last active admin cannot be deactivated or demoted', async () => {
    const [{ id: first }] =
      await h.sql`select id from users where username = 'admin' or username = 'boss' order by id limit 1`
    await h.sql`update users set active = false where role = 'admin' and id <> ${first}`
    const res = await h.call('PATCH', `/api/users/${first}`, {
      token: admin,
      body: { role: 'laborant', department: 'gtl' },
    })
    expect(res.status).toBe(409)
    await h.sql`update users set active = true where role = 'admin'`
  })
})

describe('settings and departments', () => {
  it('users read settings (admin-only keys hidden), admins write with validation and audit', async () => {
    const asLab = await (await h.call('GET', '/api/settings', { token: laborant })).json()
    expect(asLab.values.expiring_days).toBe(14)
    expect(asLab.values).not.toHaveProperty('lockout_attempts')
    const bad = await h.call('PUT', '/api/settings', { token: admin, body: { expiring_days: 0 } })
    expect(bad.status).toBe(400)
    expect((await bad.json()).fields[0].field).toBe('expiring_days')
    expect(
      (await h.call('PUT', '/api/settings', { token: admin, body: { no_such_key: 1 } })).status,
    ).toBe(400)
    const ok = await h.call('PUT', '/api/settings', { token: admin, body: { expiring_days: 21 } })
    expect((await ok.json()).values.expiring_days).toBe(21)
    const [entry] =
      await h.sql`select changes from audit_log where action = 'settings_update' order by id desc limit 1`
    expect(entry.changes).toEqual({ expiring_days: { old: 14, new: 21 } })
  })

  it('13 default departments; an admin adds one; a used one cannot be deleted', async () => {
    const { items } = await (await h.call('GET', '/api/departments', { token: laborant })).json()
    expect(items).toHaveLength(13)
    expect(items[0]).toEqual({ code: 'gruppa_sm', label: 'Группа СМ', sort_order: 1 })
    expect(
      (
        await h.call('POST', '/api/departments', {
          token: admin,
          body: { code: 'new_lab', label: 'Новая лаборатория' },
        })
      ).status,
    ).toBe(201)
    expect((await h.call('DELETE', '/api/departments/gtl', { token: admin })).status).toBe(409)
    expect((await h.call('DELETE', '/api/departments/new_lab', { token: admin })).status).toBe(204)
  })
})
