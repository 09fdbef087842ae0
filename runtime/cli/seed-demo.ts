// npm run seed:demo -- --count N [--seed S] [--replace]: fills the configured database with N
// synthetic instruments (domain/equipment/seed-demo.ts). --replace deletes the register first.
import { parseArgs } from 'node:util'
import { prepareDatabase } from '../../domain/bootstrap.ts'
import { seedDemo } from '../../domain/equipment/seed-demo.ts'
import { withDatabase } from './db.ts'

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '42' },
    replace: { type: 'boolean', default: false },
  },
})
const count = Number(values.count)
if (!Number.isInteger(count) || count < 1 || count > 5_000_000) {
  process.stderr.write('--count: целое число от 1 до 5000000\n')
  process.exit(64)
}

await withDatabase(async (db) => {
  await prepareDatabase(db.sql)
  if (values.replace) await db.sql`delete from equipment`
  const started = performance.now()
  await seedDemo(db.sql, { count, seed: Number(values.seed) })
  const seconds = (performance.now() - started) / 1000
  console.log(`Добавлено оборудования: ${count} за ${seconds.toFixed(1)} с`)
})
