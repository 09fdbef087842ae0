// Every statistic is checked against numbers computed here, in JavaScript, from the seeded rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { harness, type Harness } from '../test/app.ts'

let h: Harness
let admin: string
let lab: string
let today: string

const DEPTS = ['gtl', 'lbr', 'es']
const STATES = ['state_work', 'state_storage', 'state_verification', 'state_repair']
const TYPES = ['verification', 'calibration', 'certification']
const PEOPLE = ['Петров П.П.', 'Сидорова А.А.', null]

interface Seed {
  id?: number
  dept: string
  state: string
  date: string
  interval: number
  type: string
  result: 'fit' | 'unfit'
  plan: string
  cost: number | null
  qty: number
  coef: number
  person: string | null
  archivedAt: string | null // 'YYYY-MM-DD HH:MM:SS' local
  reason: string | null
  history: { date: string; type: string; result: 'fit' | 'unfit' }[]
}
const seeds: Seed[] = []

// dates: day of month ≤ 28 so month arithmetic never clamps
const ymd = (d: Date) => d.toISOString().slice(0, 10)
const parse = (s: string) => new Date(`${s}T00:00:00Z`)
const addDays = (s: string, n: number) => ymd(new Date(parse(s).getTime() + n * 86_400_000))
const addMonths = (s: string, m: number) => {
  const d = parse(s)
  d.setUTCMonth(d.getUTCMonth() + m)
  return ymd(d)
}
const clampDay = (s: string) => (Number(s.slice(8)) > 28 ? s.slice(0, 8) + '28' : s)
const due = (date: string, months: number) => addDays(addMonths(date, months), -1)
const round2 = (x: number) => Math.round(x * 100) / 100

function statusOf(s: Seed): string {
  if (s.state === 'state_storage') return 'status_storage'
  if (s.state === 'state_verification') return 'status_verification'
  if (s.state === 'state_repair') return 'status_repair'
  const d = due(s.date, s.interval)
  if (d < today) return 'status_expired'
  const days = (parse(d).getTime() - parse(today).getTime()) / 86_400_000
  return days <= 14 ? 'status_expiring' : 'status_fit'
}

let seed = 42
const rnd = (n: number) => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31
  return seed % n
}

beforeAll(async () => {
  h = await harness()
  await h.makeUser({ username: 'boss', role: 'admin' })
  await h.makeUser({ username: 'lab', role: 'laborant', department: 'gtl' })
  admin = await h.login('boss')
  lab = await h.login('lab')
  ;[{ today }] = await h.sql`select current_date::text as today`
  const year = Number(today.slice(0, 4))

  for (let i = 0; i < 120; i++) {
    const s: Seed = {
      dept: DEPTS[rnd(3)],
      state: STATES[rnd(8) < 5 ? 0 : rnd(4)],
      date: clampDay(addDays(today, -rnd(900) + 20)),
      interval: [1, 6, 12, 12, 24, 36][rnd(6)],
      type: TYPES[rnd(3)],
      result: rnd(5) === 0 ? 'unfit' : 'fit',
      plan: `${year - 1 + rnd(3)}-${String(1 + rnd(12)).padStart(2, '0')}-01`,
      cost: rnd(6) === 0 ? null : [1000, 2500.5, 333.33][rnd(3)],
      qty: 1 + rnd(2),
      coef: [1, 1.5, 1.2][rnd(3)],
      person: PEOPLE[rnd(3)],
      archivedAt: null,
      reason: null,
      history: Array.from({ length: rnd(3) }, () => ({
        date: addDays(today, -rnd(1500)),
        type: TYPES[rnd(3)],
        result: rnd(4) === 0 ? 'unfit' : 'fit',
      })),
    }
    if (rnd(6) === 0) {
      s.archivedAt = `${addDays(today, -rnd(700))} 12:00:00`
      s.reason = rnd(2) ? 'Извещение о НЕПРИГОДНОСТИ № 5' : 'Передан в другой филиал'
    }
    seeds.push(s)
  }
  // range edges: events and notices exactly on the bounds and a day outside (custom range below)
  const edge = (date: string, archivedAt: string | null, dept = 'gtl'): Seed => ({
    dept,
    state: 'state_work',
    date,
    interval: 12,
    type: 'calibration',
    result: 'fit',
    plan: `${year}-03-01`,
    cost: 100,
    qty: 1,
    coef: 1,
    person: null,
    archivedAt,
    reason: archivedAt ? 'извещение о непригодности' : null,
    history: [],
  })
  seeds.push(edge('2025-03-01', null), edge('2025-03-31', null), edge('2025-02-28', null))
  seeds.push(edge('2025-04-01', null), edge('2025-03-15', null, 'lbr'))
  seeds.push(edge('2024-01-01', '2025-03-01 00:00:00'), edge('2024-01-01', '2025-03-31 23:59:59'))
  seeds.push(edge('2024-01-01', '2025-02-28 23:59:59'), edge('2024-01-01', '2025-04-01 00:00:00'))

  for (const s of seeds) {
    const [{ id }] = await h.sql`
      insert into equipment (equipment_name, equipment_model, equipment_type, factory_number,
        inventory_number, archived_at, archive_reason)
      values ('Прибор', 'М', 'SI', 'F', 'I', ${s.archivedAt}::timestamp, ${s.reason})
      returning id`
    s.id = Number(id)
    await h.sql`
      insert into verification (equipment_id, verification_type, verification_interval,
        verification_date, verification_plan, verification_state, verification_result)
      values (${id}, ${s.type}, ${s.interval}, ${s.date}, ${s.plan}, ${s.state}, ${s.result})`
    await h.sql`
      insert into responsibility (equipment_id, department, responsible_person)
      values (${id}, ${s.dept}, ${s.person})`
    await h.sql`
      insert into finance (equipment_id, budget_item, cost_rate, quantity, coefficient)
      values (${id}, '11.03.02.01', ${s.cost}, ${s.qty}, ${s.coef})`
    for (const x of s.history) {
      await h.sql`
        insert into verification_history (equipment_id, verification_type, verification_interval,
          verification_date, verification_due, verification_result)
        values (${id}, ${x.type}, 12, ${x.date}, ${due(x.date, 12)}, ${x.result})`
    }
  }
})
afterAll(() => h.close())

const get = async (path: string, token: string) => {
  const res = await h.call('GET', path, { token })
  if (res.status !== 200) console.log(h.logs.filter((l) => l.includes('unhandled')).slice(-1))
  expect(res.status).toBe(200)
  return res.json()
}

function expectedSummary(visible: Seed[]) {
  const active = visible.filter((s) => !s.archivedAt)
  const count = (f: (s: Seed) => boolean) => active.filter(f).length
  const dueIn = (n: number) =>
    count((s) => {
      const d = due(s.date, s.interval)
      return s.state === 'state_work' && d >= today && d <= addDays(today, n)
    })
  return {
    total: active.length,
    by_status: Object.fromEntries(
      [
        'status_fit',
        'status_expiring',
        'status_expired',
        'status_storage',
        'status_verification',
        'status_repair',
      ].map((k) => [k, count((s) => statusOf(s) === k)]),
    ),
    by_state: Object.fromEntries(STATES.map((k) => [k, count((s) => s.state === k)])),
    due_in: { 30: dueIn(30), 60: dueIn(60), 90: dueIn(90) },
    archived: visible.filter((s) => s.archivedAt).length,
  }
}

describe('summary', () => {
  it('admin: every department, exactly the documented shape', async () => {
    expect(await get('/api/stats/summary', admin)).toEqual(expectedSummary(seeds))
  })
  it('laborant: own department only', async () => {
    const mine = expectedSummary(seeds.filter((s) => s.dept === 'gtl'))
    expect(await get('/api/stats/summary', lab)).toEqual(mine)
    expect(mine.total).toBeLessThan(expectedSummary(seeds).total)
  })
})

function expectedDepartment(visible: Seed[], from: string, to: string) {
  const ev = visible.flatMap((s) => [
    { date: s.date, type: s.type, result: s.result },
    ...s.history,
  ])
  const inRange = ev.filter((e) => e.date >= from && e.date <= to)
  const notices = visible.filter(
    (s) =>
      s.archivedAt &&
      /непригодност/i.test(s.reason ?? '') &&
      s.archivedAt.slice(0, 10) >= from &&
      s.archivedAt.slice(0, 10) <= to,
  )
  return {
    verified: inRange.length,
    by_type: Object.fromEntries(TYPES.map((t) => [t, inRange.filter((e) => e.type === t).length])),
    fit: inRange.filter((e) => e.result === 'fit').length,
    unfit: inRange.filter((e) => e.result === 'unfit').length,
    in_storage: visible.filter((s) => !s.archivedAt && s.state === 'state_storage').length,
    unfit_notices: notices.length,
    ids: notices.map((s) => s.id).sort(),
  }
}

describe('department statistics', () => {
  const check = (body: any, exp: ReturnType<typeof expectedDepartment>) => {
    const { ids, ...rest } = exp
    expect(body).toMatchObject(rest)
    expect(body.unfit_notice_items.map((i: any) => i.id).sort()).toEqual(ids)
  }

  it('defaults to this calendar year, laborant scoped to own department', async () => {
    const year = today.slice(0, 4)
    const body = await get('/api/stats/department', lab)
    expect([body.from, body.to, body.department]).toEqual([`${year}-01-01`, `${year}-12-31`, 'gtl'])
    check(
      body,
      expectedDepartment(
        seeds.filter((s) => s.dept === 'gtl'),
        `${year}-01-01`,
        `${year}-12-31`,
      ),
    )
  })

  it('applies a custom range inclusively at both edges (events and notices)', async () => {
    const body = await get('/api/stats/department?from=2025-03-01&to=2025-03-31', lab)
    const exp = expectedDepartment(
      seeds.filter((s) => s.dept === 'gtl'),
      '2025-03-01',
      '2025-03-31',
    )
    check(body, exp)
    expect(exp.unfit_notices).toBeGreaterThanOrEqual(2) // both edge notices
    expect(exp.verified).toBeGreaterThanOrEqual(2) // both edge events
  })

  it('a laborant cannot widen the scope; an admin picks any department or all', async () => {
    const other = await get(
      '/api/stats/department?from=2025-03-01&to=2025-03-31&department=lbr',
      lab,
    )
    expect(other.department).toBe('gtl')
    const lbr = await get(
      '/api/stats/department?from=2025-03-01&to=2025-03-31&department=lbr',
      admin,
    )
    check(
      lbr,
      expectedDepartment(
        seeds.filter((s) => s.dept === 'lbr'),
        '2025-03-01',
        '2025-03-31',
      ),
    )
    const all = await get('/api/stats/department?from=2020-01-01&to=2030-12-31', admin)
    check(all, expectedDepartment(seeds, '2020-01-01', '2030-12-31'))
  })

  it('refuses a reversed or invalid range', async () => {
    for (const qs of ['from=2025-04-01&to=2025-03-01', 'from=2025-02-30']) {
      expect((await h.call('GET', `/api/stats/department?${qs}`, { token: lab })).status).toBe(400)
    }
  })
})

describe('figures that open the grid', () => {
  /** the grid's total for a query string */
  const total = async (qs: string, token: string) =>
    (await get(`/api/equipment?limit=1&${qs}`, token)).total as number

  it('department: each instrument figure equals the grid it opens', async () => {
    for (const [token, department] of [
      [lab, 'gtl'],
      [admin, 'lbr'],
    ] as const) {
      const range = 'from=2025-01-01&to=2025-12-31'
      const body = await get(`/api/stats/department?${range}&department=${department}`, token)
      const period = `department=${department}&verified_from=2025-01-01&verified_to=2025-12-31`
      const i = body.instruments
      expect(i.verified).toBe(await total(period, token))
      expect(i.verified).toBeGreaterThan(0)
      for (const t of TYPES)
        expect(i.by_type[t]).toBe(await total(`${period}&verification_type=${t}`, token))
      expect(i.fit_now).toBe(await total(`department=${department}&status=status_fit`, token))
      expect(i.storage_now).toBe(
        await total(`department=${department}&status=status_storage`, token),
      )
    }
  })

  it('analytics: instruments verified in the year by type equal the grid', async () => {
    const year = Number(today.slice(0, 4))
    const body = await get(`/api/stats/analytics?year=${year}`, admin)
    for (const t of TYPES)
      expect(body.instruments_by_verification_type[t]).toBe(
        await total(
          `verification_type=${t}&verified_from=${year}-01-01&verified_to=${year}-12-31`,
          admin,
        ),
      )
  })
})

describe('analytics (admin)', () => {
  it('matches independent counts: types, calendar, planned cost, budget, overdue, due windows', async () => {
    const year = Number(today.slice(0, 4))
    const body = await get(`/api/stats/analytics?year=${year}`, admin)
    const active = seeds.filter((s) => !s.archivedAt)
    const total = (s: Seed) => (s.cost === null ? 0 : round2(s.cost * s.qty * s.coef))

    const ev = seeds.flatMap((s) => [{ date: s.date, type: s.type }, ...s.history])
    expect(body.by_verification_type).toEqual(
      Object.fromEntries(
        TYPES.map((t) => [
          t,
          ev.filter((e) => e.type === t && e.date.startsWith(`${year}-`)).length,
        ]),
      ),
    )

    const planned = active.filter((s) => s.plan.startsWith(`${year}-`))
    for (const row of body.calendar) {
      const months = Array.from(
        { length: 12 },
        (_, m) =>
          planned.filter((s) => s.dept === row.department && Number(s.plan.slice(5, 7)) === m + 1)
            .length,
      )
      expect(row.months).toEqual(months)
    }
    expect(body.calendar.reduce((a: number, r: any) => a + r.total, 0)).toBe(planned.length)

    const costByMonth = Array.from({ length: 12 }, (_, m) =>
      round2(
        planned
          .filter((s) => Number(s.plan.slice(5, 7)) === m + 1)
          .reduce((a, s) => a + total(s), 0),
      ),
    )
    expect(body.planned_cost.by_month).toEqual(costByMonth)
    for (const d of body.planned_cost.by_department) {
      expect(d.amount).toBeCloseTo(
        planned.filter((s) => s.dept === d.department).reduce((a, s) => a + total(s), 0),
        2,
      )
    }

    // next year's budget: every due date of each cycle that falls in the year
    const next = year + 1
    let amount = 0
    let count = 0
    const byMonth = Array.from({ length: 12 }, () => 0)
    for (const s of active.filter((x) => x.state !== 'state_storage')) {
      for (let k = 1; k < 2000; k++) {
        const d = due(s.date, s.interval * k)
        if (d > `${next}-12-31`) break
        if (d >= `${next}-01-01`) {
          count++
          amount = round2(amount + total(s))
          byMonth[Number(d.slice(5, 7)) - 1] = round2(byMonth[Number(d.slice(5, 7)) - 1] + total(s))
        }
      }
    }
    expect(body.budget_next_year).toMatchObject({ year: next, total: amount, verifications: count })
    expect(body.budget_next_year.by_month).toEqual(byMonth)
    expect(count).toBeGreaterThan(50) // monthly instruments count 12 times

    const expired = active.filter((s) => statusOf(s) === 'status_expired')
    for (const d of body.overdue.by_department) {
      expect(d.count).toBe(expired.filter((s) => s.dept === d.department).length)
    }
    for (const r of body.overdue.by_responsible) {
      expect(r.count).toBe(
        expired.filter((s) => s.dept === r.department && s.person === r.responsible_person).length,
      )
    }
    expect(body.overdue.by_responsible.reduce((a: number, r: any) => a + r.count, 0)).toBe(
      expired.length,
    )
    expect(body.due_in).toEqual(expectedSummary(seeds).due_in)
  })

  it('is admin-only', async () => {
    expect((await h.call('GET', '/api/stats/analytics', { token: lab })).status).toBe(403)
  })
})
