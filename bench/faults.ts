// npm run faults — the server under failure, on a PRIVATE PostgreSQL 15 (its own initdb folder and
// port; as root the cluster runs as the postgres OS user), never the shared server:
//   1. the database stops under the running server: requests answer 503 (not 500, no hang) and
//      succeed again once it is back, without restarting the server;
//   2. SIGTERM while requests are in flight: they all finish, the process exits 0, and no
//      instrument is half-written;
//   3. clients that disconnect mid-request (an export being downloaded, an upload, a JSON body):
//      the server stays healthy, nothing changes, no connection or transaction is left behind.
// Prints one line per check; exit code 1 on any failure.
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { instrument } from '../test/equipment.ts'
import { BENCH_PASSWORD, benchDatabase } from './database.ts'
import { freePort, signIn, start } from './process.ts'

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin'
const root = mkdtempSync(join(tmpdir(), 'deltica-faults-'))
const pgData = join(root, 'pgdata')
const asRoot = process.getuid?.() === 0
let failures = 0

function check(ok: boolean, what: string, detail = '') {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? ` — ${detail}` : ''}`)
  if (!ok) failures++
}

function pg(tool: string, ...args: string[]) {
  const command = asRoot ? 'runuser' : join(PG_BIN, tool)
  const argv = asRoot ? ['-u', 'postgres', '--', join(PG_BIN, tool), ...args] : args
  const r = spawnSync(command, argv, { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')}: ${r.stderr || r.stdout}`)
}

const pgPort = await freePort()
if (asRoot) chownSync(root, Number(spawnSync('id', ['-u', 'postgres']).stdout.toString().trim()), 0)
pg(
  'initdb',
  '-D',
  pgData,
  '-U',
  'postgres',
  '-A',
  'trust',
  '--no-sync',
  '-E',
  'UTF8',
  '--locale=C.UTF-8',
)
const startPg = () =>
  pg(
    'pg_ctl',
    '-D',
    pgData,
    '-l',
    join(pgData, 'server.log'),
    '-w',
    '-o',
    `-p ${pgPort} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`,
    'start',
  )
const stopPg = () => pg('pg_ctl', '-D', pgData, '-m', 'fast', '-w', 'stop')
startPg()

const db = await benchDatabase(3000, {
  serverUrl: `postgres://postgres@127.0.0.1:${pgPort}/postgres`,
  name: 'deltica_faults',
})
const dataDir = join(root, 'data')
const serverEnv = {
  DATABASE_URL: db.url,
  HOST: '127.0.0.1',
  SECRET_KEY: randomBytes(32).toString('hex'),
  DATA_DIR: dataDir,
  LOG_LEVEL: 'info',
}
const logFile = join(root, 'server.out')
let server = await start(['--import', 'tsx', 'runtime/main.ts'], serverEnv, logFile)
let base = `http://127.0.0.1:${server.port}`

const login = () => signIn(base, 'bench', BENCH_PASSWORD)
let token = await login()
const get = (path: string, signal?: AbortSignal) =>
  fetch(base + path, { headers: { authorization: `Bearer ${token}` }, signal })

async function integrity() {
  const [row] = await db.sql`
    select count(*)::int as rows,
      count(*) filter (where not exists (select 1 from verification v where v.equipment_id = e.id)
        or not exists (select 1 from responsibility r where r.equipment_id = e.id)
        or not exists (select 1 from finance f where f.equipment_id = e.id))::int as partial
    from equipment e`
  return row as { rows: number; partial: number }
}

try {
  // ---- 1. the database restarts under the server
  check((await get('/api/equipment?limit=5')).status === 200, 'list answers before the outage')
  stopPg()
  const t0 = performance.now()
  const during = await get('/api/equipment?limit=5')
  const body = (await during.json()) as { error?: string }
  check(
    during.status === 503 && /[а-я]/i.test(body.error ?? ''),
    'database down: the list answers 503 with a Russian message',
    `${during.status} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  )
  check(
    (await fetch(`${base}/api/health`)).status === 503,
    'database down: /api/health answers 503',
  )
  startPg()
  let recovered = 0
  const t1 = performance.now()
  for (let i = 0; i < 60 && recovered !== 200; i++) {
    recovered = (await get('/api/equipment?limit=5')).status
    if (recovered !== 200) await new Promise((r) => setTimeout(r, 500))
  }
  check(
    recovered === 200,
    'database back: the same server process answers 200 again',
    `after ${((performance.now() - t1) / 1000).toFixed(1)} s`,
  )

  // ---- 2. SIGTERM with requests in flight
  const before = await integrity()
  const finished = async (r: Response) => {
    await r.arrayBuffer()
    return { status: r.status, at: performance.now() }
  }
  const inflight = [
    ...Array.from({ length: 4 }, () => get('/api/equipment/export.xlsx').then(finished)),
    ...Array.from({ length: 12 }, (_, i) =>
      fetch(`${base}/api/equipment`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(instrument({ equipment_name: `SIGTERM ${i}` })),
      }).then(finished),
    ),
    ...Array.from({ length: 8 }, () =>
      get(`/api/equipment?q=${encodeURIComponent('манометр')}`).then(finished),
    ),
  ]
  await new Promise((r) => setTimeout(r, 400))
  const signalledAt = performance.now()
  server.child.kill('SIGTERM')
  const exited = new Promise<number | null>((resolve) =>
    server.child.once('exit', (code) => resolve(code)),
  )
  const results = await Promise.allSettled(inflight)
  const code = await exited
  const answered = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
  if (process.env.FAULTS_DEBUG)
    console.log(
      results.map((r) =>
        r.status === 'fulfilled'
          ? `${r.value.status}@${(r.value.at - signalledAt).toFixed(0)}`
          : String(r.reason?.cause?.message ?? r.reason),
      ),
    )
  const refused = results.flatMap((r) =>
    r.status === 'rejected' ? [String(r.reason?.cause?.code ?? r.reason)] : [],
  )
  const created = answered.filter((r) => r.status === 201).length
  const afterSignal = answered.filter((r) => r.at > signalledAt)
  // a request still in the kernel's accept queue when the listener closes is refused (the client
  // sees a reset and may retry); every request the server had taken must finish with its answer
  check(
    answered.every((r) => r.status === 200 || r.status === 201) &&
      refused.every((c) => c === 'ECONNRESET' || c === 'ECONNREFUSED' || c === 'UND_ERR_SOCKET'),
    'SIGTERM: every request the server had taken got its answer (others refused, not broken)',
    `${answered.length} answered (${afterSignal.length} finished after the signal), ${refused.length} refused`,
  )
  check(afterSignal.length > 0, 'SIGTERM: requests in flight at the signal were completed')
  check(code === 0, 'SIGTERM: the server exited cleanly', `exit code ${code}`)
  check(/"msg":"stopped"/.test(readFileSync(logFile, 'utf8')), 'SIGTERM: graceful stop logged')
  const after = await integrity()
  check(after.partial === 0, 'SIGTERM: no half-written instrument', `partial ${after.partial}`)
  check(
    after.rows === before.rows + created,
    'SIGTERM: every acknowledged create is stored, nothing else',
    `${before.rows} + ${created} = ${after.rows}`,
  )

  // ---- 3. clients that disconnect mid-request
  server = await start(['--import', 'tsx', 'runtime/main.ts'], serverEnv, logFile)
  base = `http://127.0.0.1:${server.port}`
  token = await login()
  const baseline = await integrity()
  const logLength = readFileSync(logFile, 'utf8').length

  const abort = new AbortController()
  const exp = await get('/api/equipment/export.xlsx', abort.signal)
  const reader = exp.body!.getReader()
  await reader.read()
  abort.abort()
  await reader.cancel().catch(() => {})

  const partialBody = (path: string, type: string, length: number, chunk: Buffer) =>
    new Promise<void>((resolve) => {
      const req = httpRequest(`${base}${path}`, {
        method: path.includes('import') ? 'POST' : 'PATCH',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': type,
          'content-length': String(length),
        },
      })
      req.on('error', () => resolve())
      req.write(chunk)
      setTimeout(() => {
        req.destroy()
        resolve()
      }, 300)
    })
  const xlsx = Buffer.from(await (await get('/api/equipment/export.xlsx?limit=10')).arrayBuffer())
  await partialBody(
    '/api/equipment/import',
    'application/octet-stream',
    xlsx.length,
    xlsx.subarray(0, xlsx.length >> 1),
  )
  const [{ id, version }] = await db.sql`select id, version from equipment order by id limit 1`
  const json = Buffer.from(JSON.stringify({ version, equipment_name: 'оборвано' }))
  await partialBody(`/api/equipment/${id}`, 'application/json', json.length, json.subarray(0, 10))
  await new Promise((r) => setTimeout(r, 1500))

  check((await fetch(`${base}/api/health`)).status === 200, 'disconnects: the server stays healthy')
  check(
    (await get('/api/equipment?limit=1')).status === 200,
    'disconnects: the register still answers',
  )
  const now = await integrity()
  const [{ name }] = await db.sql`select equipment_name as name from equipment where id = ${id}`
  check(
    now.rows === baseline.rows && now.partial === 0 && name !== 'оборвано',
    'disconnects: nothing was written',
  )
  const stuck = await db.sql`
    select count(*)::int as n from pg_stat_activity
    where datname = 'deltica_faults' and state in ('idle in transaction', 'active') and pid <> pg_backend_pid()`
  check(stuck[0].n === 0, 'disconnects: no transaction or query left running', `${stuck[0].n}`)
  const newLog = readFileSync(logFile, 'utf8').slice(logLength)
  check(!/unhandled error/.test(newLog), 'disconnects: no unhandled error in the log')
} finally {
  server.child.kill('SIGTERM')
  await new Promise((r) => setTimeout(r, 500))
  await db.drop().catch(() => {})
  try {
    stopPg()
  } catch {
    // already stopped
  }
  if (existsSync(root)) rmSync(root, { recursive: true, force: true })
}
console.log(failures ? `${failures} fault check(s) failed` : 'all fault checks passed')
process.exit(failures ? 1 : 0)
