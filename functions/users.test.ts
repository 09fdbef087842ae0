import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { harness, type Harness, putSettings } from '../test/app.ts'

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
      body: { department: 'ltr', password: 'reset-pass-1', version: 1 },
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
      (
        await h.call('PATCH', '/api/users/999999', {
          token: admin,
          body: { full_name: 'x', version: 1 },
        })
      ).status,
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
    const [{ version }] = await h.sql`select version from users where id = ${first}`
    const res = await h.call('PATCH', `/api/users/${first}`, {
      token: admin,
      body: { role: 'laborant', department: 'gtl', version },
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
    const bad = await putSettings(h, admin, { expiring_days: 0 })
    expect(bad.status).toBe(400)
    expect((await bad.json()).fields[0].field).toBe('expiring_days')
    expect(
      (await h.call('PUT', '/api/settings', { token: admin, body: { no_such_key: 1 } })).status,
    ).toBe(400)
    const ok = await putSettings(h, admin, { expiring_days: 21 })
    expect((await ok.json()).values.expiring_days).toBe(21)
    const [entry] =
      await h.sql`select changes from audit_log where action = 'settings_update' order by id desc limit 1`
    expect(entry.changes).toEqual({ expiring_days: { old: 14, new: 21 } })
  })

  it('13 default departments; an admin adds one; a used one cannot be deleted', async () => {
    const { items } = await (await h.call('GET', '/api/departments', { token: laborant })).json()
    expect(items).toHaveLength(13)
    expect(items[0]).toEqual({ code: 'gruppa_sm', label: 'Группа СМ', sort_order: 1, version: 1 })
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

describe('versions: a stale edit gets the one 409 body, a current one is saved and bumped', () => {
  const STALE = 'Запись уже изменил другой пользователь. Обновите данные и повторите'
  let other: string
  beforeAll(async () => {
    await h.makeUser({ username: 'chief', role: 'admin', full_name: 'Петрова Е. С.' })
    other = await h.login('chief')
  })

  it('users: version required for an edit, checked, bumped; unlock and password reset are actions', async () => {
    const id = await h.makeUser({ username: 'versioned', role: 'laborant', department: 'gtl' })
    const listed = (await (await h.call('GET', '/api/users', { token: admin })).json()).items
    expect(listed.find((u: any) => u.id === id).version).toBe(1)

    const missing = await h.call('PATCH', `/api/users/${id}`, {
      token: admin,
      body: { full_name: 'А' },
    })
    expect(missing.status).toBe(400)
    expect((await missing.json()).fields).toEqual([
      { field: 'version', message: expect.any(String) },
    ])

    const first = await h.call('PATCH', `/api/users/${id}`, {
      token: other,
      body: { full_name: 'Сидоров И. И.', version: 1 },
    })
    expect(first.status).toBe(200)
    expect(await first.json()).toMatchObject({ full_name: 'Сидоров И. И.', version: 2 })

    const stale = await h.call('PATCH', `/api/users/${id}`, {
      token: admin,
      body: { full_name: 'Иванов', version: 1 },
    })
    expect(stale.status).toBe(409)
    const body = await stale.json()
    expect(body).toEqual({
      error: STALE,
      current: expect.objectContaining({ id, full_name: 'Сидоров И. И.', version: 2 }),
      changed_by: 'Петрова Е. С.',
      changed_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    })
    expect(body.current).not.toHaveProperty('password_hash')
    const [row] = await h.sql`select full_name, version from users where id = ${id}`
    expect(row).toEqual({ full_name: 'Сидоров И. И.', version: 2 })

    // actions: no version needed, none bumped
    const reset = await h.call('PATCH', `/api/users/${id}`, {
      token: admin,
      body: { password: 'another-pass-77' },
    })
    expect(reset.status).toBe(200)
    const unlock = await h.call('PATCH', `/api/users/${id}`, {
      token: admin,
      body: { unlock: true },
    })
    expect((await unlock.json()).version).toBe(2)

    const ok = await h.call('PATCH', `/api/users/${id}`, {
      token: admin,
      body: { full_name: 'Иванов', version: 2 },
    })
    expect(ok.status).toBe(200)
    expect((await ok.json()).version).toBe(3)
  })

  it('departments: version required, checked, bumped', async () => {
    const missing = await h.call('PATCH', '/api/departments/es', {
      token: admin,
      body: { label: 'ЭС-2' },
    })
    expect(missing.status).toBe(400)
    expect((await missing.json()).fields[0].field).toBe('version')

    const first = await h.call('PATCH', '/api/departments/es', {
      token: other,
      body: { label: 'Энергослужба', version: 1 },
    })
    expect(first.status).toBe(200)
    expect(await first.json()).toEqual({
      code: 'es',
      label: 'Энергослужба',
      sort_order: 5,
      version: 2,
    })

    const stale = await h.call('PATCH', '/api/departments/es', {
      token: admin,
      body: { sort_order: 50, version: 1 },
    })
    expect(stale.status).toBe(409)
    expect(await stale.json()).toEqual({
      error: STALE,
      current: { code: 'es', label: 'Энергослужба', sort_order: 5, version: 2 },
      changed_by: 'Петрова Е. С.',
      changed_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    })
    const ok = await h.call('PATCH', '/api/departments/es', {
      token: admin,
      body: { sort_order: 50, version: 2 },
    })
    expect(await ok.json()).toEqual({
      code: 'es',
      label: 'Энергослужба',
      sort_order: 50,
      version: 3,
    })
  })

  it('settings: one version for the set, required, checked, bumped', async () => {
    const read = await (await h.call('GET', '/api/settings', { token: admin })).json()
    const { version } = read
    expect(version).toEqual(expect.any(Number))
    const missing = await h.call('PUT', '/api/settings', {
      token: admin,
      body: { expiring_days: 30 },
    })
    expect(missing.status).toBe(400)
    expect((await missing.json()).fields[0].field).toBe('version')

    const first = await h.call('PUT', '/api/settings', {
      token: other,
      body: { expiring_days: 30, version },
    })
    expect(first.status).toBe(200)
    expect((await first.json()).version).toBe(version + 1)

    const stale = await h.call('PUT', '/api/settings', {
      token: admin,
      body: { lockout_minutes: 20, version },
    })
    expect(stale.status).toBe(409)
    const body = await stale.json()
    expect(body).toEqual({
      error: STALE,
      current: expect.objectContaining({ version: version + 1 }),
      changed_by: 'Петрова Е. С.',
      changed_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    })
    expect(body.current.values.expiring_days).toBe(30)

    const ok = await h.call('PUT', '/api/settings', {
      token: admin,
      body: { expiring_days: 31, version: version + 1 },
    })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ version: version + 2, values: { expiring_days: 31 } })
  })
})
