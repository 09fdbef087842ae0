// The register's main shapes are served by indexes at company scale: on 20,000 instruments after VACUUM
// ANALYZE, the page of every shape walks an index of the driving table (migrations/00013) — no
// sequential scan of equipment, no sort of more than the page — and a search of 3+ character
// words goes through the trigram index. Runs on whichever engine the suite runs on (PostgreSQL 15
// with TEST_DATABASE_URL, else the embedded PGlite).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { User } from '../../runtime/endpoint.ts'
import { testDatabase, type TestDatabase } from '../../test/db.ts'
import { registerAdmin, seedRegister } from '../../test/seed-register.ts'
import { ITEM_COLUMNS } from './fields.ts'
import { ListQuery, pageQuery, statusSlices } from './query.ts'

const N = 20_000
const admin = registerAdmin

interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  'Index Name'?: string
  'Plan Rows': number
  Plans?: PlanNode[]
}

const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)]

let db: TestDatabase

async function plan(query: Record<string, string>, user: User = admin): Promise<PlanNode[]> {
  const p = ListQuery.parse(query)
  const [row] = await db.sql`explain (format json) ${pageQuery(db.sql, user, p, 30)}`
  const doc = row['QUERY PLAN']
  const top = (typeof doc === 'string' ? JSON.parse(doc) : doc)[0].Plan as PlanNode
  return nodes(top)
}

/**
 * No sequential scan of the register, and nothing larger than `sorted` is sorted (the page, or the
 * rows a filter's index found).
 */
function expectIndexServed(all: PlanNode[], sorted: number) {
  const seq = all.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'equipment')
  const outline = all.map((n) => `${n['Node Type']} ${n['Index Name'] ?? n['Relation Name'] ?? ''}`)
  expect(seq, outline.join(' / ')).toEqual([])
  for (const sort of all.filter(
    (n) => n['Node Type'] === 'Sort' || n['Node Type'] === 'Incremental Sort',
  )) {
    const input = sort.Plans?.[0]?.['Plan Rows'] ?? 0
    expect(input, `a sort over ${input} rows`).toBeLessThanOrEqual(sorted)
  }
}

const indexesUsed = (all: PlanNode[]) => all.map((n) => n['Index Name']).filter(Boolean)

describe(`plans of the register's main shapes on ${N} instruments`, () => {
  beforeAll(async () => {
    db = await testDatabase(4)
    await seedRegister(db.sql, N)
  }, 120_000)
  afterAll(() => db?.close())

  it('first page, a deep page, the status and department filters', async () => {
    expectIndexServed(await plan({ limit: '100' }), 100)
    expectIndexServed(await plan({ limit: '100', offset: String(N / 2) }), N / 2 + 100)
    expectIndexServed(await plan({ limit: '100', status: 'status_expired' }), 100)
    const [{ code }] = await db.sql`select code from departments order by code limit 1`
    // one department of ~13 here (of ~65 in a company): its rows are found by index, then sorted
    expectIndexServed(await plan({ limit: '100', department: code }), N / 10)
    const laborant: User = { ...admin, role: 'laborant', department: code }
    expectIndexServed(await plan({ limit: '100', sort: 'verification_due' }, laborant), N / 10)
  })

  it("a status filter's page is read from the state index alone, in id order", async () => {
    for (const status of ['status_expired', 'status_fit', 'status_storage']) {
      for (const offset of ['0', '500']) {
        const all = await plan({ limit: '100', status, offset })
        const outline = all.map((n) => `${n['Node Type']} ${n['Index Name'] ?? ''}`).join(' / ')
        // the page's ids: the state's index entries, the due date tested in each (no row read)
        expect(
          all.some(
            (n) =>
              n['Node Type'] === 'Index Only Scan' &&
              n['Index Name'] === 'equipment_by_verification_state_idx',
          ),
          `${status} from ${offset}: ${outline}`,
        ).toBe(true)
        expectIndexServed(all, 100)
      }
    }
  })

  it('sort by every column of the grid, both ways, walks its index', async () => {
    // status is computed from today: its own test below
    for (const [i, column] of ITEM_COLUMNS.filter((c) => c !== 'status').entries()) {
      const order = i % 2 ? 'desc' : 'asc'
      const all = await plan({ limit: '100', sort: column, order })
      expect(() => expectIndexServed(all, 100), `${column} ${order}`).not.toThrow()
      if (column !== 'id') {
        const name = column.replace(/^k_/, '')
        expect(indexesUsed(all), `${column} ${order}`).toContain(`equipment_by_${name}_idx`)
      }
    }
  })

  it('sort by status reads each status from the state index, in the order `order by status` gives', async () => {
    const counts = await db.sql<{ n: number }[]>`
      select count(*)::int as n from equipment_active group by status order by status`
    // the window the view's status is computed with, as the list route passes it
    const [{ days }] = await db.sql<{ days: number }[]>`
      select (value #>> '{}')::int as days from settings where key = 'expiring_days'`
    const boundaries = counts.reduce<number[]>((acc, c) => [...acc, (acc.at(-1) ?? 0) + c.n], [])
    for (const order of ['asc', 'desc'] as const) {
      // at the start, across every boundary between two statuses, deep, and past the end
      for (const offset of [0, ...boundaries.map((b) => Math.max(0, b - 50)), N - 30, N + 5]) {
        const p = ListQuery.parse({ limit: '100', offset: String(offset), sort: 'status', order })
        const slices = await statusSlices(db.sql, admin, p, days)
        const query = pageQuery(db.sql, admin, p, days, undefined, { slices })
        if (offset === 0) {
          const [row] = await db.sql`explain (format json) ${query}`
          const doc = row['QUERY PLAN']
          const all = nodes((typeof doc === 'string' ? JSON.parse(doc) : doc)[0].Plan as PlanNode)
          expect(() => expectIndexServed(all, 100), order).not.toThrow()
        }
        const [page] = await db.sql`${query}`
        const got = (JSON.parse(page.items) as { id: number }[]).map((r) => r.id)
        const dir = db.sql.unsafe(order)
        const want = (
          await db.sql<{ id: number }[]>`
            select id::int from equipment_active
            order by status ${dir}, id ${dir} limit 100 offset ${offset}`
        ).map((r) => r.id)
        expect(got, `${order} from ${offset}`).toEqual(want)
      }
    }
  })

  it('a 2-word search of 3+ characters goes through the trigram index', async () => {
    const all = await plan({ limit: '100', q: 'манометр 1234' })
    expect(
      all.some((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'equipment'),
    ).toBe(false)
    expect(indexesUsed(all)).toContain('equipment_search_idx')
  })
})
