// Single-client latency of the register's reads and the export against an already seeded
// database (npm run seed:demo), through the real app without HTTP: the cost of the SQL and the
// framework, one request at a time.
//   DATABASE_URL=… node --import tsx bench/latency.ts [--runs 20]
import { parseArgs } from 'node:util'
import { createApp } from '../runtime/app.ts'
import { loadConfig } from '../runtime/config.ts'
import { connectUrl } from '../runtime/db.ts'
import { createLogger } from '../runtime/log.ts'
import { signToken } from '../runtime/auth.ts'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } })
const runs = Number(values.runs)
const config = loadConfig()
if (!config.databaseUrl) throw new Error('DATABASE_URL is required')
const sql = connectUrl(config.databaseUrl, 4)
const app = await createApp({ sql, config, log: createLogger({ level: 'error' }) })

const [admin] =
  await sql`select id, token_version from users where role = 'admin' and active limit 1`
if (!admin) throw new Error('no admin user: run npm run migrate -- --with-admin first')
const token = await signToken(
  { userId: admin.id, tokenVersion: admin.token_version },
  config.secretKey,
)
const [{ n }] = await sql`select count(*)::int as n from equipment_active`

export const CASES: [string, string][] = [
  ['first page, no filter', '/api/equipment?limit=100'],
  ['status filter (expired)', '/api/equipment?status=status_expired&limit=100'],
  ['2-word search', '/api/equipment?q=' + encodeURIComponent('манометр гтл') + '&limit=100'],
  ['sort by due date', '/api/equipment?sort=verification_due&order=asc&limit=100'],
  ['one record', '/api/equipment/ID'],
]

async function time(path: string): Promise<number> {
  const started = performance.now()
  const res = await app.fetch(
    new Request(`http://bench${path}`, { headers: { authorization: `Bearer ${token}` } }),
  )
  await res.arrayBuffer()
  if (res.status !== 200) throw new Error(`${path}: ${res.status}`)
  return performance.now() - started
}

const [{ id: someId }] = await sql`select id from equipment_active order by id limit 1`
console.log(`${n} instruments, ${runs} runs each (median / p95, ms)`)
for (const [label, path0] of CASES) {
  const path = path0.replace('ID', String(someId))
  await time(path)
  const times: number[] = []
  for (let i = 0; i < runs; i++) times.push(await time(path))
  times.sort((a, b) => a - b)
  const med = times[Math.floor(times.length / 2)]
  const p95 = times[Math.min(times.length - 1, Math.floor(times.length * 0.95))]
  console.log(`${label.padEnd(28)} ${med.toFixed(1).padStart(8)} ${p95.toFixed(1).padStart(8)}`)
}
const started = performance.now()
const res = await app.fetch(
  new Request('http://bench/api/equipment/export.xlsx', {
    headers: { authorization: `Bearer ${token}` },
  }),
)
const bytes = (await res.arrayBuffer()).byteLength
console.log(
  `export.xlsx, all ${n} rows: ${((performance.now() - started) / 1000).toFixed(1)} s, ${(bytes / 1e6).toFixed(1)} MB`,
)
await sql.end()
