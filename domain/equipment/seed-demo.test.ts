// The demo seeder: the shape of a branch's register (every status, uneven departments, mostly СИ and in work).
import { afterAll, beforeAll, expect, it } from 'vitest'
import { testDatabase, type TestDatabase } from '../../test/db.ts'
import { seedDemo } from './seed-demo.ts'

let db: TestDatabase
beforeAll(async () => {
  db = await testDatabase()
})
afterAll(() => db.close())

it('seeds N complete instruments with every status and an uneven spread', async () => {
  const ids = await seedDemo(db.sql, { count: 3000, seed: 1, batch: 1000 })
  expect(new Set(ids).size).toBe(3000)
  const byStatus = Object.fromEntries(
    (await db.sql`select status, count(*)::int as n from equipment_active group by status`).map(
      (r) => [r.status, r.n],
    ),
  )
  for (const s of [
    'status_fit',
    'status_expiring',
    'status_expired',
    'status_storage',
    'status_verification',
    'status_repair',
  ]) {
    expect(byStatus[s], s).toBeGreaterThan(0)
  }
  expect(byStatus.status_fit).toBeGreaterThan(byStatus.status_expired)
  const [top] = await db.sql`
    select department, count(*)::int as n from responsibility group by department order by n desc limit 1`
  expect(top.department).toBe('gtl')
  const [{ si }] =
    await db.sql`select avg((equipment_type = 'SI')::int)::float as si from equipment`
  expect(si).toBeGreaterThan(0.85)
  expect(si).toBeLessThan(0.95)
  const [{ names }] =
    await db.sql`select count(distinct equipment_name)::int as names from equipment`
  expect(names).toBeGreaterThan(100)
})
