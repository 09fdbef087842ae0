// A search's pages are read from the ids it found, kept per filter, sort and data version: the
// same rows and total as matching the text for every page, in every order, and again after a
// write changed what the search finds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { User } from '../../runtime/endpoint.ts'
import { testDatabase, type TestDatabase } from '../../test/db.ts'
import {
  recordStatements,
  registerAdmin,
  registerLaborant,
  seedRegister,
} from '../../test/seed-register.ts'
import { ListQuery, listInstruments, pageQuery, registerTotal } from './query.ts'

const admin = registerAdmin

let db: TestDatabase
let statements: string[] = []

/** The page as matching the text gives it (the statement every other list uses). */
async function matched(user: User, query: Record<string, string>) {
  const p = ListQuery.parse(query)
  const [row] = await db.sql`${pageQuery(db.sql, user, p, 30)}`
  return { items: JSON.parse(row.items), total: await registerTotal(db.sql, user, p, 30) }
}

async function listed(user: User, query: Record<string, string>) {
  const p = ListQuery.parse(query)
  return JSON.parse(await listInstruments(db.sql, user, p, 30))
}

describe('pages of what a search found', () => {
  beforeAll(async () => {
    db = await testDatabase(2)
    await seedRegister(db.sql, 3000)
    statements = recordStatements(db.sql)
  }, 120_000)
  afterAll(() => db?.close())

  it('are the rows and total matching the text gives, in every order and for a laborant', async () => {
    const laborant = await registerLaborant(db.sql)
    for (const user of [admin, laborant]) {
      for (const [sort, order] of [
        ['id', 'asc'],
        ['equipment_name', 'desc'],
        ['status', 'asc'],
        ['verification_due', 'desc'],
      ]) {
        for (const offset of ['0', '100', '250', '5000']) {
          const query = { q: 'манометр 1', sort, order, limit: '100', offset }
          expect(await listed(user, query), `${user.role} ${sort} ${order} ${offset}`).toEqual(
            await matched(user, query),
          )
        }
      }
    }
    // the later pages were read by id, not by matching the text again
    statements.length = 0
    await listed(admin, { q: 'манометр 1', limit: '100', offset: '200' })
    expect(statements.some((q) => q.includes('unnest'))).toBe(true)
    expect(statements.some((q) => q.includes('like'))).toBe(false)
  })

  it('follow a write that changes what the search finds', async () => {
    const query = { q: 'манометр', limit: '100', offset: '0' }
    const before = await listed(admin, query)
    await db.sql`
      update equipment set archived_at = now(), archive_reason = 'тест'
      where id = ${before.items[0].id}`
    const after = await listed(admin, query)
    expect(after.total).toBe(before.total - 1)
    expect(after).toEqual(await matched(admin, query))
  })
})
