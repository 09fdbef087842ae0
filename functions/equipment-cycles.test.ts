// Entry guards on the verification cycle against a real database: future verification dates are
// refused (a setting allows N days ahead), and an admin undoes the last recorded cycle — the
// previous one returns from the history, audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { harness, type Harness, putSettings } from '../test/app.ts'
import { inDays, instrument } from '../test/equipment.ts'

let h: Harness
let admin: string
let lab: string

beforeAll(async () => {
  h = await harness()
  await h.makeUser({ username: 'metro', role: 'admin', full_name: 'Метролог' })
  await h.makeUser({ username: 'lab', role: 'laborant', department: 'gtl' })
  admin = await h.login('metro')
  lab = await h.login('lab')
})
afterAll(() => h?.close())

async function create(overrides: Record<string, unknown> = {}) {
  const res = await h.call('POST', '/api/equipment', { token: admin, body: instrument(overrides) })
  expect(res.status, await res.clone().text()).toBe(201)
  return res.json()
}

const get = async (id: number) =>
  (await h.call('GET', `/api/equipment/${id}`, { token: admin })).json()

describe('verification dates in the future', () => {
  it('a cycle dated five months ahead is refused with a Russian message at the field', async () => {
    const r = await create()
    const res = await h.call('POST', `/api/equipment/${r.id}/verifications`, {
      token: admin,
      body: { verification_date: inDays(150), version: r.version },
    })
    expect(res.status).toBe(400)
    const body = await res.json()
    expect(body.fields[0].field).toBe('verification_date')
    expect(body.fields[0].message).toMatch(/ещё не наступила/)
    expect((await get(r.id)).version).toBe(r.version)
    // today is fine
    const ok = await h.call('POST', `/api/equipment/${r.id}/verifications`, {
      token: admin,
      body: { verification_date: inDays(-1), version: r.version },
    })
    expect(ok.status, await ok.clone().text()).toBe(201)
  })

  it('create and edit refuse a future date too', async () => {
    const res = await h.call('POST', '/api/equipment', {
      token: admin,
      body: instrument({ verification_date: inDays(30) }),
    })
    expect(res.status).toBe(400)
    const r = await create()
    const patch = await h.call('PATCH', `/api/equipment/${r.id}`, {
      token: admin,
      body: { verification_date: inDays(30), version: r.version },
    })
    expect(patch.status).toBe(400)
  })

  it('the setting allows N days ahead', async () => {
    const put = await putSettings(h, admin, { verification_future_days: 10 })
    expect(put.status, await put.clone().text()).toBe(200)
    try {
      const r = await create({ verification_date: inDays(5) })
      expect(r.verification_date).toBe(inDays(5))
      const res = await h.call('POST', `/api/equipment/${r.id}/verifications`, {
        token: admin,
        body: { verification_date: inDays(40), version: r.version },
      })
      expect(res.status).toBe(400)
      expect((await res.json()).error).toMatch(/не более 10 дн\. вперёд/)
    } finally {
      await putSettings(h, admin, { verification_future_days: 0 })
    }
  })
})

describe('DELETE /api/equipment/:id/verifications/last', () => {
  it('brings the previous cycle back from the history, audited; 204', async () => {
    const r = await create({ factory_number: 'U-1', inventory_number: 'U-1' })
    const cycle = await h.call('POST', `/api/equipment/${r.id}/verifications`, {
      token: admin,
      body: {
        verification_date: inDays(-2),
        verification_result: 'fit',
        certificate_number: 'С-99999/26',
        verifier_org: 'ВНИИМ',
        verification_cost: 5200.5,
        version: r.version,
      },
    })
    expect(cycle.status).toBe(201)
    const after = await cycle.json()
    expect(after.history).toHaveLength(1)

    // a stale version: 409, nothing changes
    const stale = await h.call('DELETE', `/api/equipment/${r.id}/verifications/last`, {
      token: admin,
      body: { version: r.version },
    })
    expect(stale.status).toBe(409)
    // a laborant may not
    const denied = await h.call('DELETE', `/api/equipment/${r.id}/verifications/last`, {
      token: lab,
      body: { version: after.version },
    })
    expect(denied.status).toBe(403)

    const res = await h.call('DELETE', `/api/equipment/${r.id}/verifications/last`, {
      token: admin,
      body: { version: after.version },
    })
    expect(res.status, await res.clone().text()).toBe(204)
    const back = await get(r.id)
    expect(back).toMatchObject({
      verification_date: r.verification_date,
      verification_due: r.verification_due,
      verification_plan: r.verification_plan,
      certificate_number: r.certificate_number,
      verifier_org: 'ТЦСМ',
      verification_cost: null,
      version: after.version + 1,
    })
    expect(back.history).toHaveLength(0)
    const [audit] = await h.sql`
      select changes, user_id from audit_log
      where action = 'verification_undo' and entity_id = ${String(r.id)}`
    expect(audit.changes.certificate_number).toEqual({ old: 'С-99999/26', new: null })
    expect(audit.changes.verification_date).toEqual({
      old: inDays(-2),
      new: r.verification_date,
    })

    // nothing left to undo: 409 with a Russian message
    const none = await h.call('DELETE', `/api/equipment/${r.id}/verifications/last`, {
      token: admin,
      body: { version: back.version },
    })
    expect(none.status).toBe(409)
    expect((await none.json()).error).toMatch(/Предыдущего цикла нет/)
  })
})
