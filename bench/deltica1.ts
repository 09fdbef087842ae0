// Moving a branch from Deltica 1.x at scale: a synthetic 1.x database of N instruments (all four
// sections, 8 % hand-typed totals, 32 users of which 15 Windows-only) → the dry run and the real
// run into a fresh migrated database, timed, with the process's peak memory.
//   npm run bench:deltica1 [-- 1334 100000]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { importDeltica1 } from '../domain/deltica1/import.ts'
import { connectReadOnly } from '../runtime/db.ts'
import { bulk, oldDatabase } from '../test/deltica1/fixture.ts'
import { testDatabase } from '../test/db.ts'
import { defaultServerUrl } from './database.ts'

const sizes = process.argv.slice(2).map(Number)
const serverUrl = defaultServerUrl()
process.env.TEST_DATABASE_URL ??= serverUrl

let peak = 0
const sample = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss)
}, 20)

const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} МиБ`

for (const n of sizes.length ? sizes : [1334, 100_000]) {
  const old = await oldDatabase(serverUrl, 'current')
  let t = performance.now()
  await bulk(old.sql, n)
  const seed = (performance.now() - t) / 1000
  const target = await testDatabase(4)
  const dataDir = mkdtempSync(join(tmpdir(), 'deltica1-bench-'))
  const source = connectReadOnly(old.url)
  const opts = {
    source,
    sourceLabel: `bench ${n}`,
    target: target.sql,
    dataDir,
    timeZone: 'Europe/Moscow',
    uploads: null,
    createDepartments: false,
  }
  try {
    global.gc?.()
    peak = process.memoryUsage().rss
    t = performance.now()
    const dry = await importDeltica1({ ...opts, dryRun: true })
    const dryS = (performance.now() - t) / 1000
    const dryPeak = peak
    peak = process.memoryUsage().rss
    t = performance.now()
    const real = await importDeltica1({ ...opts, dryRun: false })
    const realS = (performance.now() - t) / 1000
    if (!real.applied) throw new Error(real.report.blocking.join('\n'))
    const [{ e }] = await target.sql`select count(*)::int as e from equipment`
    console.log(
      `${n.toLocaleString('ru-RU')} приборов (база 1.x создана за ${seed.toFixed(1)} с): ` +
        `пробный запуск ${dryS.toFixed(2)} с (пик RSS ${mib(dryPeak)}), ` +
        `перенос ${realS.toFixed(2)} с (пик RSS ${mib(peak)}); перенесено ${e}; ` +
        `итогов «в Deltica 1.x»: ${dry.report.counters.get('legacyTotals') ?? 0}, ` +
        `статусов изменится: ${[...dry.report.statusChanges.values()].reduce((a, b) => a + b, 0)}`,
    )
  } finally {
    await source.end({ timeout: 5 })
    await target.close()
    await old.drop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}
clearInterval(sample)
