// The register API against a real database: writes with validation, versions, history and audit;
// the list's every filter, sort, search and paging; department scoping and hidden finance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { harness, type Harness } from '../test/app.ts'
import { existsSync } from 'node:fs'
import { dateForDue, inDays, instrument } from '../test/equipment.ts'
import { multipart, SAMPLES } from '../test/samples.ts'
import { equipmentDir } from '../test/files.ts'
import { ITEM_COLUMNS, FINANCE_ONLY } from '../domain/equipment/fields.ts'

let h: Harness
let admin: string
let lab: string
let adminId: number
const ids: Record<string, number> = {}

async function create(body: Record<string, unknown>) {
  const res = await h.call('POST', '/api/equipment', { token: admin, body })
  expect(res.status, await res.clone().text()).toBe(201)
  return res.json()
}

async function list(query: string, token = admin) {
  const res = await h.call('GET', `/api/equipment?${query}`, { token })
  expect(res.status, await res.clone().text()).toBe(200)
  return (await res.json()) as { items: any[]; total: number }
}

const idsOf = (r: { items: any[] }) => r.items.map((i) => i.id).sort((a, b) => a - b)
const named = (...names: string[]) => names.map((n) => ids[n]).sort((a, b) => a - b)

beforeAll(async () => {
  h = await harness()
  adminId = await h.makeUser({ username: 'metro', role: 'admin', full_name: 'Метролог' })
  await h.makeUser({ username: 'lab', role: 'laborant', department: 'gtl' })
  admin = await h.login('metro')
  lab = await h.login('lab')
  // a small register where each instrument differs in the thing a filter looks at
  const fixtures: Record<string, Record<string, unknown>> = {
    fit: { equipment_name: 'Манометр показывающий', verification_date: dateForDue(100) },
    expiring: {
      equipment_name: 'Термометр',
      verification_date: dateForDue(5),
      department: 'lbr',
      verification_type: 'calibration',
    },
    expired: {
      equipment_name: 'Ареометр',
      verification_date: dateForDue(-10),
      department: 'ltr',
      equipment_type: 'IO',
      verification_type: 'certification',
    },
    storage: {
      equipment_name: 'Весы лабораторные',
      verification_state: 'state_storage',
      verification_date: dateForDue(-300),
    },
    repair: {
      equipment_name: 'Сито лабораторное',
      verification_state: 'state_repair',
      department: 'lhaiei',
      budget_item: '11.03.02.05',
    },
    atVerification: {
      equipment_name: 'Датчик температуры',
      verification_state: 'state_verification',
      verification_interval: 24,
      department: 'es',
      equipment_year: 1990,
    },
  }
  let n = 0
  for (const [key, o] of Object.entries(fixtures)) {
    n++
    const r = await create(
      instrument({ factory_number: `F-${n}`, inventory_number: `INV-${n}`, ...o }),
    )
    ids[key] = r.id
  }
})
afterAll(() => h.close())

describe('create and read', () => {
  it('creates all sections in one go; computed due, plan, total, status; audit new values', async () => {
    const r = await create(
      instrument({
        verification_date: '2025-10-08',
        factory_number: 'NEW-1',
        inventory_number: 'NEW-1',
      }),
    )
    expect(r).toMatchObject({
      version: 1,
      equipment_name: 'Манометр',
      verification_due: '2026-10-07',
      verification_plan: '2026-10-01',
      total_cost: 3000,
      department: 'gtl',
      history: [],
      files: [],
      warnings: [],
    })
    expect(typeof r.status).toBe('string')
    const [audit] = await h.sql`
      select user_id, action, changes from audit_log
      where entity = 'equipment' and entity_id = ${String(r.id)}`
    expect(audit.action).toBe('equipment_create')
    expect(audit.user_id).toBe(adminId)
    expect(audit.changes.equipment_name).toEqual({ old: null, new: 'Манометр' })
    expect(audit.changes.verification_due).toEqual({ old: null, new: '2026-10-07' })
    await h.call('DELETE', `/api/equipment/${r.id}`, { token: admin })
  })

  it('validation errors name each field, in Russian; nothing is written', async () => {
    const [{ n: before }] = await h.sql`select count(*)::int as n from equipment`
    const res = await h.call('POST', '/api/equipment', {
      token: admin,
      body: instrument({
        equipment_name: '  ',
        equipment_type: 'XX',
        equipment_year: new Date().getFullYear() + 1,
        verification_interval: 0,
        verification_date: '2025-02-30',
        quantity: 0,
        cost_rate: -5,
      }),
    })
    expect(res.status).toBe(400)
    const body = await res.json()
    const byField = Object.fromEntries(body.fields.map((f: any) => [f.field, f.message]))
    expect(Object.keys(byField).sort()).toEqual(
      [
        'cost_rate',
        'equipment_name',
        'equipment_type',
        'equipment_year',
        'quantity',
        'verification_date',
        'verification_interval',
      ].sort(),
    )
    for (const m of Object.values(byField)) expect(m).toMatch(/[а-яё]/i)
    expect(byField.verification_interval).toBe('Интервал должен быть больше 0')
    expect(byField.quantity).toBe('Количество не меньше 1')

    const missing = await h.call('POST', '/api/equipment', { token: admin, body: {} })
    const fields = (await missing.json()).fields.map((f: any) => f.field)
    expect(fields).toEqual(expect.arrayContaining(['equipment_name', 'department', 'budget_item']))

    const dept = await h.call('POST', '/api/equipment', {
      token: admin,
      body: instrument({ department: 'mars' }),
    })
    expect(dept.status).toBe(400)
    expect((await dept.json()).fields).toEqual([
      { field: 'department', message: 'Неизвестное подразделение' },
    ])
    const [{ n: after }] = await h.sql`select count(*)::int as n from equipment`
    expect(after).toBe(before)
  })

  it('warns (does not refuse) on an interval not a multiple of 12 and on duplicate numbers', async () => {
    const r = await create(
      instrument({ verification_interval: 18, inventory_number: 'INV-1', factory_number: 'U-1' }),
    )
    await h.call('DELETE', `/api/equipment/${r.id}`, { token: admin })
    expect(r.warnings.map((w: any) => w.field).sort()).toEqual([
      'inventory_number',
      'verification_interval',
    ])
    expect(r.warnings[0].message).toMatch(/кратен 12/)
  })

  it('a laborant: own department only, 404 for another, no finance; 403 on writes', async () => {
    const own = await h.call('GET', `/api/equipment/${ids.fit}`, { token: lab })
    expect(own.status).toBe(200)
    const record = await own.json()
    for (const f of FINANCE_ONLY) expect(record).not.toHaveProperty(f)
    expect(record.equipment_name).toBe('Манометр показывающий')
    expect((await h.call('GET', `/api/equipment/${ids.expired}`, { token: lab })).status).toBe(404)
    expect((await h.call('GET', '/api/equipment/99999999', { token: admin })).status).toBe(404)
    expect(
      (await h.call('PATCH', `/api/equipment/${ids.fit}`, { token: lab, body: { version: 1 } }))
        .status,
    ).toBe(403)
    expect(
      (await h.call('POST', '/api/equipment', { token: lab, body: instrument() })).status,
    ).toBe(403)
    expect((await h.call('GET', '/api/equipment')).status).toBe(401)
  })
})

describe('list', () => {
  it('every status, state, type, verification type and department filter; lists both ways', async () => {
    expect(idsOf(await list('status=status_fit'))).toEqual(named('fit'))
    expect(idsOf(await list('status=status_expiring'))).toEqual(named('expiring'))
    expect(idsOf(await list('status=status_expired'))).toEqual(named('expired'))
    expect(idsOf(await list('status=status_storage'))).toEqual(named('storage'))
    expect(idsOf(await list('status=status_repair'))).toEqual(named('repair'))
    expect(idsOf(await list('status=status_verification'))).toEqual(named('atVerification'))
    expect(idsOf(await list('status=status_fit&status=status_expired'))).toEqual(
      named('fit', 'expired'),
    )
    expect(idsOf(await list('status=status_fit,status_expired'))).toEqual(named('fit', 'expired'))
    expect(idsOf(await list('state=state_storage,state_repair'))).toEqual(
      named('storage', 'repair'),
    )
    expect(idsOf(await list('type=IO'))).toEqual(named('expired'))
    expect(
      idsOf(await list('verification_type=calibration&verification_type=certification')),
    ).toEqual(named('expiring', 'expired'))
    expect(idsOf(await list('department=lbr,ltr'))).toEqual(named('expiring', 'expired'))
    const bad = await h.call('GET', '/api/equipment?status=status_bogus', { token: admin })
    expect(bad.status).toBe(400)
    expect((await bad.json()).fields[0].field).toMatch(/^status/)
  })

  it('due and plan ranges (plan by month)', async () => {
    expect(idsOf(await list(`due_from=${inDays(-20)}&due_to=${inDays(20)}`))).toEqual(
      named('expiring', 'expired'),
    )
    expect(idsOf(await list(`due_from=${inDays(0)}&due_to=${inDays(10)}`))).toEqual(
      named('expiring'),
    )
    const [{ plan }] = await h.sql`
      select verification_plan as plan from verification where equipment_id = ${ids.expiring}`
    const month = plan.slice(0, 7)
    const inMonth = await list(`plan_from=${month}&plan_to=${month}-28`)
    expect(inMonth.items.every((i) => i.verification_plan === `${month}-01`)).toBe(true)
    expect(idsOf(inMonth)).toContain(ids.expiring)
    expect(
      (await h.call('GET', '/api/equipment?due_from=31.12.2025', { token: admin })).status,
    ).toBe(400)
  })

  it('sorts on every column both ways, stable on id; unknown column → 400', async () => {
    const cmp = (a: unknown, b: unknown) =>
      a == null && b == null ? 0 : a == null ? 1 : b == null ? -1 : a < b ? -1 : a > b ? 1 : 0
    for (const column of ITEM_COLUMNS) {
      for (const order of ['asc', 'desc'] as const) {
        const { items, total } = await list(`sort=${column}&order=${order}&limit=1000`)
        expect(items).toHaveLength(total)
        for (let i = 1; i < items.length; i++) {
          const [a, b] = [items[i - 1], items[i]]
          let c = cmp(a[column], b[column])
          if (order === 'desc') {
            // PostgreSQL's default: nulls last ascending, first descending
            c = a[column] == null ? (b[column] == null ? 0 : -1) : b[column] == null ? 1 : -c
          }
          if (c === 0) c = order === 'asc' ? a.id - b.id : b.id - a.id
          expect(c, `${column} ${order} at ${i}`).toBeLessThan(0)
        }
      }
    }
    expect(
      (await h.call('GET', '/api/equipment?sort=password_hash', { token: admin })).status,
    ).toBe(400)
    expect((await h.call('GET', '/api/equipment?sort=id;drop', { token: admin })).status).toBe(400)
    expect((await h.call('GET', '/api/equipment?sort=cost_rate', { token: lab })).status).toBe(400)
  })

  it('search: every word must match; Russian labels of enums, status, department; any case', async () => {
    expect(idsOf(await list('q=манометр'))).toEqual(named('fit'))
    expect(idsOf(await list('q=МАНОМЕТР%20показывающий'))).toEqual(named('fit'))
    expect(idsOf(await list('q=манометр%20ареометр'))).toEqual([])
    expect(idsOf(await list('q=' + encodeURIComponent('просрочен')))).toEqual(named('expired'))
    expect(idsOf(await list('q=' + encodeURIComponent('ИО')))).toEqual(named('expired'))
    expect(idsOf(await list('q=' + encodeURIComponent('калибровка')))).toEqual(named('expiring'))
    expect(idsOf(await list('q=' + encodeURIComponent('консервации')))).toEqual(named('storage'))
    expect(idsOf(await list('q=' + encodeURIComponent('ремонте сито')))).toEqual(named('repair'))
    expect(idsOf(await list('q=' + encodeURIComponent('лхаиэи')))).toEqual(named('repair'))
    expect(idsOf(await list('q=' + encodeURIComponent('гтл весы')))).toEqual(named('storage'))
    expect(idsOf(await list('q=1990'))).toEqual(named('atVerification'))
    expect(idsOf(await list('q=' + encodeURIComponent('%')))).toEqual([])
    expect(idsOf(await list('q=' + encodeURIComponent('_')))).toEqual([])
    // finance text is searchable for admins only
    expect(idsOf(await list('q=11.03.02.05'))).toEqual(named('repair'))
    expect(idsOf(await list('q=11.03.02.01', lab))).toEqual([])
  })

  it('paging: the total stays, pages do not overlap, past the end is empty', async () => {
    const all = await list('limit=1000&sort=equipment_name')
    const seen: number[] = []
    for (let offset = 0; offset < all.total; offset += 2) {
      const page = await list(`limit=2&offset=${offset}&sort=equipment_name`)
      expect(page.total).toBe(all.total)
      seen.push(...page.items.map((i) => i.id))
    }
    expect(seen).toEqual(all.items.map((i) => i.id))
    expect(await list('limit=5&offset=500')).toEqual({ items: [], total: all.total })
    expect(await list('q=лаборатор&limit=5&offset=500')).toEqual({ items: [], total: 2 })
    expect((await list('q=лаборатор&limit=1')).total).toBe(2)
    expect((await h.call('GET', '/api/equipment?limit=0', { token: admin })).status).toBe(400)
    expect((await h.call('GET', '/api/equipment?limit=abc', { token: admin })).status).toBe(400)
  })

  it('a laborant sees only their department, without finance columns', async () => {
    const r = await list('limit=1000', lab)
    expect(idsOf(r)).toEqual(named('fit', 'storage'))
    for (const item of r.items) for (const f of FINANCE_ONLY) expect(item).not.toHaveProperty(f)
    expect((await list('department=ltr', lab)).total).toBe(0)
    const adminItem = (await list('limit=1')).items[0]
    expect(adminItem).toHaveProperty('total_cost')
    expect(Object.keys(adminItem)).toEqual([...ITEM_COLUMNS])
  })
})

describe('update, verification cycles, delete', () => {
  it('PATCH: any subset with version; stale version → 409 with the current record and who/when', async () => {
    const id = ids.fit
    const [{ version }] = await h.sql`select version from equipment where id = ${id}`
    const ok = await h.call('PATCH', `/api/equipment/${id}`, {
      token: admin,
      body: {
        version,
        responsible_person: 'Зимин К. Л.',
        cost_rate: 2000,
        equipment_name: 'Манометр показывающий',
        equipment_specs: 'КТ 1',
      },
    })
    expect(ok.status).toBe(200)
    const after = await ok.json()
    expect(after).toMatchObject({
      version: version + 1,
      responsible_person: 'Зимин К. Л.',
      total_cost: 6000,
    })

    const stale = await h.call('PATCH', `/api/equipment/${id}`, {
      token: admin,
      body: { version, equipment_model: 'X' },
    })
    expect(stale.status).toBe(409)
    const conflict = await stale.json()
    expect(conflict.error).toMatch(/другой пользователь/)
    expect(conflict.current).toMatchObject({
      id,
      version: version + 1,
      responsible_person: 'Зимин К. Л.',
    })
    expect(conflict.changed_by).toBe('Метролог')
    expect(typeof conflict.changed_at).toBe('string')
    const [{ model }] = await h.sql`select equipment_model as model from equipment where id = ${id}`
    expect(model).toBe('МП-100')

    const noVersion = await h.call('PATCH', `/api/equipment/${id}`, {
      token: admin,
      body: { equipment_model: 'X' },
    })
    expect(noVersion.status).toBe(400)
    expect((await noVersion.json()).fields[0].field).toBe('version')

    const [audit] = await h.sql`
      select changes from audit_log
      where action = 'equipment_update' and entity_id = ${String(id)}
      order by id desc limit 1`
    expect(audit.changes).toEqual({
      equipment_specs: { old: 'КТ 1,5', new: 'КТ 1' },
      responsible_person: { old: 'Ветров А. Б.', new: 'Зимин К. Л.' },
      cost_rate: { old: 1000, new: 2000 },
      total_cost: { old: 3000, new: 6000 },
    })
  })

  it('a corrected date writes no history; the plan follows the due date', async () => {
    const id = ids.expiring
    const before = await (await h.call('GET', `/api/equipment/${id}`, { token: admin })).json()
    const res = await h.call('PATCH', `/api/equipment/${id}`, {
      token: admin,
      body: { version: before.version, verification_date: '2025-10-08' },
    })
    expect(res.status).toBe(200)
    const r = await res.json()
    expect(r).toMatchObject({
      verification_due: '2026-10-07',
      verification_plan: '2026-10-01',
      history: [],
    })
    const [{ n }] =
      await h.sql`select count(*)::int as n from verification_history where equipment_id = ${id}`
    expect(n).toBe(0)
  })

  it('a new cycle moves the previous one into the history', async () => {
    const id = ids.expired
    const before = await (await h.call('GET', `/api/equipment/${id}`, { token: admin })).json()
    const res = await h.call('POST', `/api/equipment/${id}/verifications`, {
      token: admin,
      body: {
        verification_date: inDays(-1),
        verification_result: 'fit',
        certificate_number: 'С-777/26',
        verifier_org: 'ВНИИМ',
        verification_cost: 1500.5,
        version: before.version,
      },
    })
    expect(res.status, await res.clone().text()).toBe(201)
    const r = await res.json()
    expect(r).toMatchObject({
      verification_date: inDays(-1),
      certificate_number: 'С-777/26',
      verifier_org: 'ВНИИМ',
      status: 'status_fit',
      version: before.version + 1,
    })
    expect(r.history).toHaveLength(1)
    expect(r.history[0]).toMatchObject({
      verification_date: before.verification_date,
      verification_due: before.verification_due,
      verifier_org: 'ТЦСМ',
      recorded_by: 'metro',
    })
    const [audit] = await h.sql`
      select changes from audit_log where action = 'verification_record' and entity_id = ${String(id)}`
    expect(audit.changes.verification_date).toEqual({
      old: before.verification_date,
      new: inDays(-1),
    })
    // the laborant of another department still gets 404; the history is in the laborant's view too
    expect(
      (await h.call('POST', `/api/equipment/${id}/verifications`, { token: admin, body: {} }))
        .status,
    ).toBe(400)
  })

  it('verified_from/verified_to: the current cycle or a cycle in the history within the dates', async () => {
    const [{ old }] = await h.sql`
      select verification_date as old from verification_history where equipment_id = ${ids.expired}`
    const [{ current }] = await h.sql`
      select verification_date as current from verification where equipment_id = ${ids.expired}`
    const inRange = async (from: string, to: string) =>
      idsOf(await list(`verified_from=${from}&verified_to=${to}`)).includes(ids.expired)
    expect(await inRange(old, old)).toBe(true) // only the history cycle is in the range
    expect(await inRange(current, current)).toBe(true) // only the current cycle
    const dayAfter = (d: string) => new Date(Date.parse(d) + 86_400_000).toISOString().slice(0, 10)
    if (dayAfter(old) < current) expect(await inRange(dayAfter(old), dayAfter(old))).toBe(false)
    const all = await h.sql`
      select distinct equipment_id as id from (
        select equipment_id, verification_date from verification
        union all select equipment_id, verification_date from verification_history) c
      where verification_date between ${old}::date and ${current}::date`
    expect(idsOf(await list(`verified_from=${old}&verified_to=${current}&limit=1000`))).toEqual(
      all.map((r) => r.id).sort((a, b) => a - b),
    )
  })

  it('DELETE removes every section and the history, audited; then 404', async () => {
    const r = await create(instrument({ factory_number: 'DEL-1', inventory_number: 'DEL-1' }))
    await h.call('POST', `/api/equipment/${r.id}/verifications`, {
      token: admin,
      body: { verification_date: inDays(0), version: r.version },
    })
    const res = await h.call('DELETE', `/api/equipment/${r.id}`, { token: admin })
    expect(res.status).toBe(204)
    for (const table of ['equipment', 'verification', 'responsibility', 'finance']) {
      const key = table === 'equipment' ? 'id' : 'equipment_id'
      const [{ n }] =
        await h.sql`select count(*)::int as n from ${h.sql(table)} where ${h.sql(key)} = ${r.id}`
      expect(n, table).toBe(0)
    }
    const [{ n }] =
      await h.sql`select count(*)::int as n from verification_history where equipment_id = ${r.id}`
    expect(n).toBe(0)
    const [audit] = await h.sql`
      select changes from audit_log where action = 'equipment_delete' and entity_id = ${String(r.id)}`
    expect(audit.changes.factory_number).toEqual({ old: 'DEL-1', new: null })
    expect((await h.call('DELETE', `/api/equipment/${r.id}`, { token: admin })).status).toBe(404)
  })

  it('the record lists its files; DELETE removes them from disk too', async () => {
    const r = await create(instrument({ factory_number: 'FILE-1', inventory_number: 'FILE-1' }))
    const { body, contentType } = multipart([
      { name: 'category', value: 'verification_docs' },
      {
        name: 'file',
        filename: 'Свидетельство № 5.pdf',
        content: SAMPLES.pdf,
        type: 'application/pdf',
      },
    ])
    const up = await h.call('POST', `/api/upload/equipment/${r.id}`, {
      token: admin,
      headers: { 'content-type': contentType },
      raw: body,
    })
    expect(up.status, await up.clone().text()).toBe(201)
    const record = await (await h.call('GET', `/api/equipment/${r.id}`, { token: admin })).json()
    expect(record.files.map((f: any) => f.original_name)).toEqual(['Свидетельство № 5.pdf'])
    const dir = equipmentDir(h.config.dataDir, r.id)
    expect(existsSync(dir)).toBe(true)
    expect((await h.call('DELETE', `/api/equipment/${r.id}`, { token: admin })).status).toBe(204)
    expect(existsSync(dir)).toBe(false)
    const [{ n }] =
      await h.sql`select count(*)::int as n from equipment_file where equipment_id = ${r.id}`
    expect(n).toBe(0)
  })
})
