// The trigger-kept state of migrations/00013 under real writes through the API: the grid keys on
// `equipment` equal the sections, the counts equal a recount, the summary equals the register,
// the totals follow writes made by another connection (another server process), and the token
// check's cached user is dropped at once on logout and deactivation (and, on PostgreSQL, in
// another process through the change bus).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { harness, PASSWORD, type Harness } from '../../test/app.ts'
import { dateForDue, instrument } from '../../test/equipment.ts'
import { postgresBus } from '../../runtime/bus.ts'
import { connectUrl } from '../../runtime/db.ts'
import { cachedUser, TOKENS_CHANNEL, userChanged } from '../../runtime/user-cache.ts'

let h: Harness
let token: string

const KEYS = {
  verification: [
    'verification_type',
    'registry_number',
    'verification_interval',
    'verification_date',
    'verification_due',
    'verification_plan',
    'verification_state',
    'verification_result',
    'certificate_number',
    'verification_cost',
  ],
  responsibility: ['department', 'responsible_person', 'verifier_org'],
  finance: [
    'budget_item',
    'code_rate',
    'cost_rate',
    'quantity',
    'coefficient',
    'total_cost',
    'invoice_number',
    'paid_amount',
    'payment_date',
    'legacy_total_cost',
  ],
}

async function json(res: Response) {
  expect(res.status, await res.clone().text()).toBeLessThan(300)
  return res.status === 204 ? null : res.json()
}

async function expectKeysMatchSections() {
  for (const [table, cols] of Object.entries(KEYS)) {
    const [{ n }] = await h.sql.unsafe(`
      select count(*)::int as n from equipment e join ${table} s on s.equipment_id = e.id
      where (${cols.map((c) => `e.k_${c}`).join(', ')})
        is distinct from (${cols.map((c) => `s.${c}`).join(', ')})`)
    expect(n, table).toBe(0)
  }
  const recount = await h.sql`
    select k_department as department,
           register_count_key_state(k_verification_state, archived_at) as state,
           register_count_key_due(k_verification_state, k_verification_due, archived_at) as due,
           count(*)::int as n
    from equipment group by 1, 2, 3 order by 1, 2, 3`
  const kept = await h.sql`
    select department, state, due, n from register_counts where n <> 0 order by 1, 2, 3`
  expect(kept).toEqual(recount)
}

async function expectSummaryIsTheRegister() {
  const summary = await json(await h.call('GET', '/api/stats/summary', { token }))
  const [row] = await h.sql`
    select count(*) filter (where archived_at is null)::int as total,
           count(*) filter (where archived_at is not null)::int as archived
    from equipment_full`
  const byStatus = await h.sql`select status, count(*)::int as n from equipment_active group by 1`
  expect(summary.total).toBe(row.total)
  expect(summary.archived).toBe(row.archived)
  for (const { status, n } of byStatus) expect(summary.by_status[status], status).toBe(n)
}

const total = async (query = '') =>
  (await json(await h.call('GET', `/api/equipment?limit=1${query}`, { token }))).total

describe('the kept keys, counts, totals and user rows', () => {
  beforeAll(async () => {
    h = await harness()
    await h.makeUser({ username: 'boss', role: 'admin' })
    token = await h.login('boss')
  })
  afterAll(() => h?.close())

  it('keys and counts follow create, edit, new cycle, archive, delete and a department code', async () => {
    const ids: number[] = []
    for (const [i, dept] of ['gtl', 'gtl', 'lbr', 'es'].entries()) {
      const body = instrument({
        department: dept,
        factory_number: `K-${i}`,
        verification_date: dateForDue(i * 20 - 10),
      })
      ids.push((await json(await h.call('POST', '/api/equipment', { token, body }))).id)
    }
    await expectKeysMatchSections()
    const before = await json(await h.call('GET', `/api/equipment/${ids[0]}`, { token }))
    await json(
      await h.call('PATCH', `/api/equipment/${ids[0]}`, {
        token,
        body: {
          version: before.version,
          department: 'lbr',
          verification_state: 'state_repair',
          responsible_person: 'Новиков',
          cost_rate: 12.5,
        },
      }),
    )
    const second = await json(await h.call('GET', `/api/equipment/${ids[1]}`, { token }))
    await json(
      await h.call('POST', `/api/equipment/${ids[1]}/verifications`, {
        token,
        body: {
          version: second.version,
          verification_date: dateForDue(300),
          verification_result: 'fit',
          certificate_number: 'С-2',
        },
      }),
    )
    await json(
      await h.call('POST', '/api/archive', {
        token,
        body: { equipment_id: ids[2], reason: 'Непригодно' },
      }),
    )
    await json(await h.call('DELETE', `/api/equipment/${ids[3]}`, { token }))
    await h.sql`update departments set code = 'lbr2' where code = 'lbr'`
    await expectKeysMatchSections()
    await expectSummaryIsTheRegister()
    // the search finds the edited person through the index's text
    const found = await json(
      await h.call('GET', `/api/equipment?q=${encodeURIComponent('новиков')}`, { token }),
    )
    expect(found.items.map((r: { id: number }) => r.id)).toEqual([ids[0]])
  })

  it('a total kept for a filter is recounted after a write from another connection', async () => {
    const all = await total()
    const inGtl = await total('&department=gtl')
    expect(await total()).toBe(all) // served from the kept total
    const other = connectUrl(h.db.url, 1)
    try {
      const body = instrument({ department: 'gtl', factory_number: 'K-other' })
      await other.begin(async (tx) => {
        const [{ id }] = await tx`
          insert into equipment (equipment_name, equipment_model, equipment_type,
            factory_number, inventory_number)
          values (${body.equipment_name}, ${body.equipment_model}, 'SI', 'K-other', 'INV-o')
          returning id`
        await tx`insert into verification (equipment_id, verification_type,
            verification_interval, verification_date, verification_plan, verification_state)
          values (${id}, 'verification', 12, current_date, date_trunc('month', current_date),
            'state_work')`
        await tx`insert into responsibility (equipment_id, department) values (${id}, 'gtl')`
        await tx`insert into finance (equipment_id, budget_item) values (${id}, 'x')`
      })
    } finally {
      await other.end()
    }
    expect(await total()).toBe(all + 1)
    expect(await total('&department=gtl')).toBe(inGtl + 1)
    await expectKeysMatchSections()
  })

  it('logout and deactivation end a cached session at once', async () => {
    const id = await h.makeUser({ username: 'lab1', role: 'laborant', department: 'gtl' })
    const t1 = await h.login('lab1', PASSWORD)
    expect((await h.call('GET', '/api/stats/summary', { token: t1 })).status).toBe(200)
    expect((await h.call('POST', '/api/auth/logout', { token: t1 })).status).toBeLessThan(300)
    expect((await h.call('GET', '/api/stats/summary', { token: t1 })).status).toBe(401)

    const t2 = await h.login('lab1', PASSWORD)
    expect((await h.call('GET', '/api/stats/summary', { token: t2 })).status).toBe(200)
    const [user] = await h.sql`select version from users where id = ${id}`
    await json(
      await h.call('PATCH', `/api/users/${id}`, {
        token,
        body: { active: false, version: user.version },
      }),
    )
    expect((await h.call('GET', '/api/stats/summary', { token: t2 })).status).toBe(401)
  })

  it.runIf(!!process.env.TEST_DATABASE_URL)(
    'another process drops its kept user row when the bus says so',
    async () => {
      const poolA = connectUrl(h.db.url, 2)
      const poolB = connectUrl(h.db.url, 2)
      const busA = postgresBus(poolA)
      const busB = postgresBus(poolB)
      try {
        let loads = 0
        const load = async () => {
          loads++
          return {
            id: 7,
            username: 'x',
            full_name: '',
            department: null,
            role: 'admin' as const,
            token_version: loads,
            active: true,
          }
        }
        await cachedUser(busA, 7, load) // starts listening; not kept before it listens
        let heard!: () => void
        const message = new Promise<void>((resolve) => (heard = resolve))
        await busA.subscribe(TOKENS_CHANNEL, (p) => p === '7' && heard())
        await cachedUser(busA, 7, load)
        await cachedUser(busA, 7, load)
        expect(loads).toBe(2) // the second one was kept
        await userChanged(busB, 7)
        await message
        await cachedUser(busA, 7, load)
        expect(loads).toBe(3)
      } finally {
        await poolA.end()
        await poolB.end()
      }
    },
  )
})
