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

const base = {
  executor_name: 'ТЦСМ',
  contract_number: '№ 15/2026',
  valid_until: '2026-12-31',
  contract_amount: 1000.5,
  spent_amount: 1200,
}

describe('contracts', () => {
  it('creates with the balance computed by the database (negative allowed), lists with totals', async () => {
    const res = await h.call('POST', '/api/contracts', { token: admin, body: base })
    expect(res.status).toBe(201)
    const c = await res.json()
    expect(c).toMatchObject({ balance: -199.5, version: 1, current_balance: null })
    await h.call('POST', '/api/contracts', {
      token: admin,
      body: { executor_name: 'ГПП', contract_number: '7', contract_amount: 500, spent_amount: 100 },
    })
    const list = await (await h.call('GET', '/api/contracts?q=тцсм', { token: admin })).json()
    expect(list.total).toBe(1)
    const all = await (await h.call('GET', '/api/contracts', { token: admin })).json()
    expect(all.totals).toEqual({ contract_amount: 1500.5, spent_amount: 1300, balance: 200.5 })
    expect(all.items.map((i: any) => i.executor_name)).toEqual(['ГПП', 'ТЦСМ'])
  })

  it('refuses negative amounts and bad input with 400 and field issues, writes nothing', async () => {
    const before = await h.sql`select count(*)::int as n from contracts`
    for (const body of [
      { ...base, contract_amount: -1 },
      { ...base, spent_amount: -0.01 },
      { ...base, contract_amount: 1.234 },
      { ...base, executor_name: ' ' },
      { ...base, valid_until: '2026-02-30' },
      { ...base, balance: 5 },
    ]) {
      const res = await h.call('POST', '/api/contracts', { token: admin, body })
      expect(res.status).toBe(400)
      const err = await res.json()
      expect(err.error).toMatch(/[а-я]/)
      expect(err.fields.length).toBeGreaterThan(0)
    }
    expect(await h.sql`select count(*)::int as n from contracts`).toEqual(before)
  })

  it('updates with version check (409 when stale), recomputes balance, audits; deletes', async () => {
    const [{ id }] = await h.sql`select id from contracts where contract_number = '7'`
    const ok = await h.call('PUT', `/api/contracts/${id}`, {
      token: admin,
      body: {
        executor_name: 'ГПП',
        contract_number: '7',
        contract_amount: 500,
        spent_amount: 450,
        current_balance: -3,
        version: 1,
      },
    })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ balance: 50, current_balance: -3, version: 2 })
    const stale = await h.call('PUT', `/api/contracts/${id}`, {
      token: admin,
      body: { executor_name: 'ГПП', contract_number: '7', version: 1 },
    })
    expect(stale.status).toBe(409)
    expect(await stale.json()).toMatchObject({
      current: { id, version: 2, spent_amount: 450 },
      changed_by: expect.any(String),
      changed_at: expect.any(String),
    })
    const noVersion = await h.call('PUT', `/api/contracts/${id}`, {
      token: admin,
      body: { executor_name: 'ГПП', contract_number: '7' },
    })
    expect(noVersion.status).toBe(400)
    const [audit] = await h.sql`
      select changes from audit_log where action = 'contract_update' and entity_id = ${String(id)}`
    expect(audit.changes.spent_amount).toEqual({ old: 100, new: 450 })
    expect((await h.call('DELETE', `/api/contracts/${id}`, { token: admin })).status).toBe(204)
    expect((await h.call('GET', `/api/contracts/${id}`, { token: admin })).status).toBe(404)
    expect((await h.call('DELETE', `/api/contracts/${id}`, { token: admin })).status).toBe(404)
  })

  it('is for admins only', async () => {
    expect((await h.call('GET', '/api/contracts', { token: laborant })).status).toBe(403)
    expect((await h.call('GET', '/api/contracts')).status).toBe(401)
  })
})
