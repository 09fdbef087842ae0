// Deep pages of the id order start from a kept page start: the same rows as walking from the top,
// both ways, for an admin and a laborant's department, and again after a write moved every row
// behind it (the start is then not used).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { User } from '../../runtime/endpoint.ts'
import { testDatabase, type TestDatabase } from '../../test/db.ts'
import {
  recordStatements,
  registerAdmin,
  registerLaborant,
  seedRegister,
} from '../../test/seed-register.ts'
import { listInstruments } from './query.ts'

const N = 3000
const admin = registerAdmin

let db: TestDatabase
let statements: string[] = []

async function page(user: User, offset: number, order: 'asc' | 'desc') {
  const text = await listInstruments(db.sql, user, { sort: 'id', order, limit: 100, offset }, 30)
  return (JSON.parse(text).items as { id: number }[]).map((r) => r.id)
}

async function walked(user: User, offset: number, order: 'asc' | 'desc') {
  const dir = db.sql.unsafe(order)
  const scope = user.department ? db.sql`department = ${user.department}` : db.sql`true`
  const rows = await db.sql<{ id: number }[]>`
    select id::int from equipment_active where ${scope} order by id ${dir} limit 100 offset ${offset}`
  return rows.map((r) => r.id)
}

describe('deep pages of the id order', () => {
  beforeAll(async () => {
    db = await testDatabase(2)
    await seedRegister(db.sql, N)
    statements = recordStatements(db.sql)
  }, 120_000)
  afterAll(() => db?.close())

  it('start from a kept page start and read the same rows as from the top', async () => {
    const laborant = await registerLaborant(db.sql)
    for (const user of [admin, laborant]) {
      const total = (
        await db.sql`
        select count(*)::int as n from equipment_active
        where ${user.department ? db.sql`department = ${user.department}` : db.sql`true`}`
      )[0].n
      for (const order of ['asc', 'desc'] as const) {
        for (const offset of [600, 700, 650, 600, total - 40, total + 10]) {
          statements.length = 0
          expect(await page(user, offset, order), `${user.role} ${order} ${offset}`).toEqual(
            await walked(user, offset, order),
          )
        }
      }
    }
    // the last pages were read from a kept start, not from the top
    statements.length = 0
    await page(admin, 750, 'asc')
    expect(statements.some((q) => /e\.id >= \d+/.test(q))).toBe(true)
  })

  it('a write that moves the rows is seen: the kept start is not used for it', async () => {
    expect(await page(admin, 800, 'asc')).toEqual(await walked(admin, 800, 'asc'))
    // archive the register's first rows: every later row moves up by five
    await db.sql`
      update equipment set archived_at = now(), archive_reason = 'тест'
      where id in (select id from equipment where archived_at is null order by id limit 5)`
    expect(await page(admin, 800, 'asc')).toEqual(await walked(admin, 800, 'asc'))
    expect(await page(admin, 900, 'asc')).toEqual(await walked(admin, 900, 'asc'))
  })
})
