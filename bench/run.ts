// npm run bench [-- --quick] [--sizes 1000,10000,100000] [--duration 5] [--connections 100]
//   [--no-write] [--only <text>[,<text>…]]  (only the rows whose label contains a text, no
//   single-client table; docs/performance.md is left as it is)
// For each register size: a fresh database seeded with the demo seeder, the real server
// (runtime/main.ts, its own process) and the bare baseline (bench/bare.ts, same SQL builders on
// node:http, its own process), loaded in turn by autocannon with 100 connections. Prints req/s,
// p50/p99 latency and the server's RSS for each endpoint beside its baseline, and writes
// docs/performance.md. Needs a PostgreSQL: BENCH_DATABASE_URL, TEST_DATABASE_URL or DATABASE_URL
// (a server URL; each size gets its own database, dropped afterwards).
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, totalmem, tmpdir, type as osType, release } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { ROOT, signIn, start, TS_LOADER } from './process.ts'
import { ITEM_COLUMNS } from '../domain/equipment/fields.ts'
import { BENCH_PASSWORD, benchDatabase, defaultServerUrl, type BenchDatabase } from './database.ts'

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string', default: '100' },
    'no-write': { type: 'boolean', default: false },
    runs: { type: 'string', default: '15' },
    only: { type: 'string' },
  },
})
const sizes = (args.sizes ?? (args.quick ? '1000' : '1000,10000,100000')).split(',').map(Number)
const duration = Number(args.duration ?? (args.quick ? 2 : 5))
const connections = Number(args.connections)
const only = args.only?.split(',')
const wanted = (label: string) => !only || only.some((text) => label.includes(text))
const WARMUP_SECONDS = 2
const serverUrl = defaultServerUrl()
const PASSWORD = BENCH_PASSWORD
const SECRET = randomBytes(32).toString('hex')

interface Measure {
  rps: number
  p50: number
  p99: number
  errors: number
  rssMb: number
}
interface Row {
  size: number
  label: string
  app: Measure
  bare: Measure | null
}

function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024
  } catch {
    return 0
  }
}

async function load(
  url: string,
  opts: { method?: string; body?: string; headers?: Record<string, string>; connections?: number },
  pid: number,
): Promise<Measure> {
  // a warm-up at the same concurrency, not measured (app and bare alike): the first requests of a
  // statement shape plan it on each pooled connection once (20–50 ms each with the register's
  // ~35 indexes), which is not what the steady state costs
  await autocannon({
    url,
    connections: opts.connections ?? connections,
    timeout: 30,
    duration: WARMUP_SECONDS,
    method: (opts.method ?? 'GET') as any,
    body: opts.body,
    headers: { 'content-type': 'application/json', ...opts.headers },
  })
  const result = await autocannon({
    url,
    connections: opts.connections ?? connections,
    timeout: 30,
    duration,
    method: (opts.method ?? 'GET') as any,
    body: opts.body,
    headers: { 'content-type': 'application/json', ...opts.headers },
  })
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    rssMb: rssMb(pid),
  }
}

async function benchSize(size: number): Promise<Row[]> {
  const db = await benchDatabase(size)
  const { sql, seedSeconds } = db
  const dbUrl = db.url
  const dataDir = mkdtempSync(join(tmpdir(), 'deltica-bench-'))
  const children = running
  try {
    const [{ id }] = await sql`select id from equipment_active order by id desc limit 1`
    const [{ department }] = await sql`
      select department from equipment_active group by 1 order by count(*) desc limit 1`

    const app = await start(
      [...TS_LOADER, 'runtime/main.ts'],
      {
        DATABASE_URL: dbUrl,
        HOST: '127.0.0.1',
        SECRET_KEY: SECRET,
        DATA_DIR: dataDir,
        NODE_ENV: 'development',
        LOG_LEVEL: 'info',
      },
      join(dataDir, 'server.out'),
    )
    children.push(app.child)
    const bare = await start(
      [...TS_LOADER, 'bench/bare.ts'],
      { DATABASE_URL: dbUrl, SECRET_KEY: SECRET },
      join(dataDir, 'bare.out'),
    )
    children.push(bare.child)
    const appBase = `http://127.0.0.1:${app.port}`
    const bareBase = `http://127.0.0.1:${bare.port}`
    const auth = { authorization: `Bearer ${await signIn(appBase, 'bench', PASSWORD)}` }
    const hasStats = (await fetch(`${appBase}/api/stats/summary`, { headers: auth })).status === 200

    const q = encodeURIComponent('манометр гтл')
    type Case = [
      string,
      string,
      { method?: string; body?: string; auth?: boolean; connections?: number; bareOnly?: boolean },
    ]
    const shapes: [string, string][] = [
      ['list: first page', '/api/equipment?limit=100'],
      ['list: status filter', '/api/equipment?status=status_expired&limit=100'],
      ['list: department filter', `/api/equipment?department=${department}&limit=100`],
      ['list: sort by due date', '/api/equipment?sort=verification_due&limit=100'],
      ['list: 2-word search', `/api/equipment?q=${q}&limit=100`],
      ['list: deep page', `/api/equipment?offset=${Math.floor(size / 2)}&limit=100`],
    ]
    const cases: Case[] = [
      ['trivial: GET /api/health', '/api/health', {}],
      ['LIMIT: first page, bare, no count', '/limit/equipment?limit=100', { bareOnly: true }],
      ...shapes.map(([label, path]): Case => [label, path, { auth: true }]),
      ['LIMIT @10 connections', '/limit/equipment?limit=100', { bareOnly: true, connections: 10 }],
      ...shapes.map(([label, path]): Case => [
        `${label} @10`,
        path,
        { auth: true, connections: 10 },
      ]),
      ['GET /api/equipment/:id', `/api/equipment/${id}`, { auth: true }],
      [
        // scrypt (N=2^15, ~100 ms of CPU each) bounds login: 100 connections only queue behind it
        'login (10 connections)',
        '/api/auth/login',
        {
          method: 'POST',
          body: JSON.stringify({ username: 'bench', password: PASSWORD }),
          connections: 10,
        },
      ],
    ]
    if (hasStats) cases.push(['GET /api/stats/summary', '/api/stats/summary', { auth: true }])

    const rows = all
    for (const [label, path, o] of cases) {
      // a main-table row needs its LIMIT row beside it
      if (!wanted(label) && !(label.startsWith('LIMIT') && only?.some((t) => t.startsWith('list'))))
        continue
      const opts = {
        method: o.method,
        body: o.body,
        headers: o.auth ? auth : {},
        connections: o.connections,
      }
      if (o.bareOnly) {
        rows.push({
          size,
          label,
          app: await load(bareBase + path, opts, bare.child.pid!),
          bare: null,
        })
        printRow(rows[rows.length - 1])
        continue
      }
      const appM = await load(appBase + path, opts, app.child.pid!)
      const bareM =
        path.startsWith('/api/stats') || label.startsWith('list:')
          ? null
          : await load(bareBase + path, opts, bare.child.pid!)
      rows.push({ size, label, app: appM, bare: bareM })
      await settle(sql)
      printRow(rows[rows.length - 1])
    }
    console.log(`  (seeded ${size} in ${seedSeconds.toFixed(1)} s)`)
    if (!only) single.push(...(await singleClient(size, appBase, auth, shapes, id)))
    return rows
  } finally {
    for (const c of children.splice(0)) c.kill('SIGTERM')
    await new Promise((r) => setTimeout(r, 500))
    await db.drop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/**
 * Waits until the bench database runs no query: requests the load generator gave up on keep
 * running in PostgreSQL and would otherwise be measured against the next row.
 */
async function settle(sql: BenchDatabase['sql']) {
  for (let i = 0; i < 120; i++) {
    const [{ n }] = await sql`
      select count(*)::int as n from pg_stat_activity
      where datname = current_database() and state = 'active' and pid <> pg_backend_pid()`
    if (n === 0) return
    await new Promise((r) => setTimeout(r, 500))
  }
}

interface Single {
  size: number
  label: string
  median: number
  p95: number
}
const single: Single[] = []

/** One client, one request at a time, over HTTP: median and p95 of `--runs` requests. */
async function singleClient(
  size: number,
  base: string,
  auth: Record<string, string>,
  shapes: [string, string][],
  id: number,
): Promise<Single[]> {
  const sorts = ITEM_COLUMNS.filter((c) => c !== 'id').map((c): [string, string] => [
    `sort by ${c}`,
    `/api/equipment?sort=${c}&order=${c === 'status' ? 'asc' : 'desc'}&limit=100`,
  ])
  const paths: [string, string][] = [
    ...shapes,
    ...sorts,
    ['GET /api/stats/summary', '/api/stats/summary'],
    ['one record', `/api/equipment/${id}`],
  ]
  const out: Single[] = []
  for (const [label, path] of paths) {
    const times: number[] = []
    for (let i = 0; i <= Number(args.runs); i++) {
      const started = performance.now()
      const res = await fetch(base + path, { headers: auth })
      await res.arrayBuffer()
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`)
      if (i > 0) times.push(performance.now() - started) // the first one warms up
    }
    times.sort((a, b) => a - b)
    const row = {
      size,
      label,
      median: times[Math.floor(times.length / 2)],
      p95: times[Math.min(times.length - 1, Math.floor(times.length * 0.95))],
    }
    console.log(
      `${String(size).padStart(7)}  single: ${label.padEnd(36)} ${fmt(row.median, 1).padStart(7)} ${fmt(row.p95, 1).padStart(7)}`,
    )
    out.push(row)
  }
  return out
}

const all: Row[] = []
const running: ChildProcess[] = []
// Ctrl+C: stop the servers this run started (the databases are dropped on the next run's start)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    for (const c of running) c.kill('SIGTERM')
    process.exit(130)
  })
}

const fmt = (n: number, d = 0) => n.toFixed(d)
/** the main-table shapes are compared with the limit row at the same connections */
const limitOf = (r: Row) =>
  r.label.startsWith('list:')
    ? all.find(
        (l) =>
          l.size === r.size &&
          l.label.startsWith('LIMIT') &&
          l.label.endsWith('@10') === r.label.endsWith('@10'),
      )?.app
    : undefined
const baseOf = (r: Row) => r.bare ?? limitOf(r) ?? null
const ratio = (r: Row) => {
  const b = baseOf(r)
  return b && b.rps > 0 ? r.app.rps / b.rps : NaN
}
const p99Ratio = (r: Row) => {
  const b = baseOf(r)
  return b && b.p99 > 0 && !r.bare ? r.app.p99 / b.p99 : NaN
}

function printRow(r: Row) {
  const b = baseOf(r)
  console.log(
    `${String(r.size).padStart(7)}  ${r.label.padEnd(28)} ${fmt(r.app.rps).padStart(7)} ${fmt(r.app.p50).padStart(5)} ${fmt(r.app.p99).padStart(6)} ${fmt(r.app.rssMb).padStart(5)} ${String(r.app.errors).padStart(4)} | ${b ? `${fmt(b.rps).padStart(7)} ${fmt(b.p50).padStart(5)} ${fmt(b.p99).padStart(6)} ${fmt(b.rssMb).padStart(5)}` : '      —'}  ${Number.isNaN(ratio(r)) ? '' : fmt(ratio(r), 2)} ${Number.isNaN(p99Ratio(r)) ? '' : `p99×${fmt(p99Ratio(r), 2)}`}`,
  )
}

function markdown(rows: Row[], command: string): string {
  const lines = [
    '| instruments | endpoint | req/s | p50 ms | p99 ms | RSS MB | errors | bare req/s | bare p50 | bare p99 | bare RSS | ratio | p99 × |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => {
      const b = r.bare
      return `| ${r.size} | ${r.label} | ${fmt(r.app.rps)} | ${fmt(r.app.p50)} | ${fmt(r.app.p99)} | ${fmt(r.app.rssMb)} | ${r.app.errors} | ${b ? fmt(b.rps) : '—'} | ${b ? fmt(b.p50) : '—'} | ${b ? fmt(b.p99) : '—'} | ${b ? fmt(b.rssMb) : '—'} | ${Number.isNaN(ratio(r)) ? '—' : fmt(ratio(r), 2)} | ${Number.isNaN(p99Ratio(r)) ? '—' : fmt(p99Ratio(r), 2)} |`
    }),
  ]
  return [
    '<!-- BENCH:START (written by npm run bench) -->',
    'The main-table rows (list: …) are compared with the LIMIT row of the same connections: `ratio` = req/s ÷ limit req/s, `p99 ×` = p99 ÷ limit p99; the other rows with their bare baseline.',
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC with \`${command}\`.`,
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${osType()} ${release()}, Node ${process.version}; PostgreSQL at ${new URL(serverUrl).host}.`,
    `Load: autocannon, ${connections} connections, ${duration} s per row, in the bench process; the server and the bare baseline each run in their own Node process, one after the other, on the same cores as autocannon and PostgreSQL.`,
    '',
    ...lines,
    '',
    `Single client over HTTP (${args.runs} requests each, after one to warm up), ms:`,
    '',
    '| instruments | request | median ms | p95 ms |',
    '|---:|---|---:|---:|',
    ...single.map((r) => `| ${r.size} | ${r.label} | ${fmt(r.median, 1)} | ${fmt(r.p95, 1)} |`),
    '<!-- BENCH:END -->',
  ].join('\n')
}

console.log(
  `instruments  endpoint                       req/s   p50    p99   RSS  err |  bare req/s p50  p99  RSS  ratio`,
)
for (const size of sizes) await benchSize(size)

if (!args['no-write'] && !only) {
  const extra = process.argv.slice(2).join(' ')
  const command = extra ? `npm run bench -- ${extra}` : 'npm run bench'
  const file = join(ROOT, 'docs/performance.md')
  let doc: string
  try {
    doc = readFileSync(file, 'utf8')
  } catch {
    doc = '# Performance\n\n<!-- BENCH:START --><!-- BENCH:END -->\n'
  }
  const table = markdown(all, command)
  doc = /<!-- BENCH:START[\s\S]*BENCH:END -->/.test(doc)
    ? doc.replace(/<!-- BENCH:START[\s\S]*BENCH:END -->/, table)
    : `${doc}\n${table}\n`
  writeFileSync(file, doc)
  console.log(`written: docs/performance.md`)
}
process.exit(0)
