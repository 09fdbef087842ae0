// The embedded engine under concurrent connections: queries and transactions from many pooled
// connections at once all succeed and serialise correctly (pglite-socket alone interleaved
// their protocol messages: "portal does not exist" and hung connections).
import { afterAll, beforeAll, expect, it } from 'vitest'
import { openEmbedded, type Database } from './db.ts'

let db: Database
beforeAll(async () => {
  db = await openEmbedded(null, 10)
})
afterAll(() => db.close())

it('serves concurrent queries and transactions on the embedded engine', async () => {
  const { sql } = db
  await sql`create table counter (id int primary key, n int not null)`
  await sql`insert into counter values (1, 0)`
  const errors: string[] = []
  for (let round = 0; round < 5; round++) {
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        try {
          const [a] = await sql`select ${i}::int as i, ${'x'.repeat(i * 1000)} as pad`
          expect(a.i).toBe(i)
          await sql.begin(async (tx) => {
            await tx`select n from counter where id = 1 for update`
            await tx`update counter set n = n + 1 where id = 1`
          })
        } catch (error) {
          errors.push(String(error))
        }
      }),
    )
  }
  expect(errors).toEqual([])
  const [{ n }] = await sql`select n from counter where id = 1`
  expect(n).toBe(100)
}, 20_000)
