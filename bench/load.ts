// npm run load [-- --users 100 --duration 60 --size 10000]
// 100 simulated users against the real server for 60 s: laborants read and search their
// department, admins also edit (PATCH with the version they saw; on 409 they reload and retry),
// record verification cycles and add instruments. Ends with zero errors and every write
// accounted for: rows created, each instrument's version = 1 + its successful edits + cycles,
// history rows = cycles, audit rows = writes. Exit code 1 otherwise.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createUser } from '../domain/users/accounts.ts'
import { instrument } from '../test/equipment.ts'
import { BENCH_PASSWORD, benchDatabase } from './database.ts'
import { signIn, start } from './process.ts'

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '100' },
    duration: { type: 'string', default: '60' },
    size: { type: 'string', default: '10000' },
  },
})
const USERS = Number(args.users)
const DURATION_MS = Number(args.duration) * 1000
const ADMINS = Math.max(1, Math.round(USERS / 10))
const DEPARTMENTS = ['gtl', 'lhaiei', 'lbr', 'ltr', 'es', 'ogmk', 'to']
const WORDS = ['манометр', 'термометр гтл', 'весы', 'просрочен', 'ТЦСМ', 'консервации', 'кт 1,5']
const STATUSES = ['status_fit', 'status_expired', 'status_expiring', 'status_storage']

const db = await benchDatabase(Number(args.size), { name: `deltica_load_${process.pid}` })
const dataDir = mkdtempSync(join(tmpdir(), 'deltica-load-'))
for (let i = 0; i < USERS; i++) {
  await createUser(db.sql, {
    username: `user${i}`,
    full_name: `Пользователь ${i}`,
    department: i < ADMINS ? null : DEPARTMENTS[i % DEPARTMENTS.length],
    role: i < ADMINS ? 'admin' : 'laborant',
    password: BENCH_PASSWORD,
    active: true,
  })
}
const initial = await db.sql`
  select (select count(*)::int from equipment) as rows,
         (select coalesce(sum(version), 0)::int from equipment) as versions,
         (select count(*)::int from verification_history) as history,
         (select count(*)::int from audit_log where entity = 'equipment') as audits`
const server = await start(
  ['--import', 'tsx', 'runtime/main.ts'],
  {
    DATABASE_URL: db.url,
    HOST: '127.0.0.1',
    SECRET_KEY: randomBytes(32).toString('hex'),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  },
  join(dataDir, 'server.out'),
)
const base = `http://127.0.0.1:${server.port}`

const stats = {
  requests: 0,
  errors: [] as string[],
  conflicts: 0,
  created: 0,
  latencies: [] as number[],
}
/** successful writes per instrument (edits and cycles bump the version by one each) */
const writesPerId = new Map<number, number>()
let cycles = 0
let created = 0

async function call(token: string, method: string, path: string, body?: unknown) {
  const started = performance.now()
  stats.requests++
  try {
    const res = await fetch(base + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const data = res.headers.get('content-type')?.includes('json')
      ? await res.json()
      : await res.arrayBuffer()
    stats.latencies.push(performance.now() - started)
    return { status: res.status, data: data as any }
  } catch (error) {
    stats.errors.push(`${method} ${path}: ${String(error)}`)
    return { status: 0, data: null }
  }
}

const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]
const expect = (ok: boolean, what: string) => {
  if (!ok) stats.errors.push(what)
}

const logIn = (i: number) => signIn(base, `user${i}`, BENCH_PASSWORD)

async function simulate(i: number, token: string, deadline: number) {
  const isAdmin = i < ADMINS
  while (Date.now() < deadline) {
    const roll = Math.random()
    if (roll < 0.35) {
      const r = await call(
        token,
        'GET',
        `/api/equipment?limit=100&offset=${Math.floor(Math.random() * 5) * 100}`,
      )
      expect(r.status === 200, `list ${r.status}`)
    } else if (roll < 0.55) {
      const r = await call(
        token,
        'GET',
        `/api/equipment?q=${encodeURIComponent(pick(WORDS))}&limit=50`,
      )
      expect(r.status === 200, `search ${r.status}`)
    } else if (roll < 0.7) {
      const r = await call(
        token,
        'GET',
        `/api/equipment?status=${pick(STATUSES)}&sort=verification_due&limit=100`,
      )
      expect(r.status === 200, `filter ${r.status}`)
    } else if (!isAdmin || roll < 0.8) {
      const list = await call(
        token,
        'GET',
        `/api/equipment?limit=20&offset=${Math.floor(Math.random() * 20)}`,
      )
      const id = list.data?.items?.[0]?.id
      if (id) {
        const r = await call(token, 'GET', `/api/equipment/${id}`)
        expect(r.status === 200, `record ${r.status}`)
      }
    } else {
      await adminWrite(token, roll)
    }
  }
}

async function adminWrite(token: string, roll: number) {
  if (roll > 0.97) {
    const r = await call(
      token,
      'POST',
      '/api/equipment',
      instrument({ equipment_name: 'Прибор нагрузочного теста' }),
    )
    expect(r.status === 201, `create ${r.status}`)
    if (r.status === 201) created++
    return
  }
  // a hot set of 50 instruments so that concurrent admins collide on versions
  const id = 1 + Math.floor(Math.random() * 50)
  for (let attempt = 0; attempt < 10; attempt++) {
    const current = await call(token, 'GET', `/api/equipment/${id}`)
    if (current.status !== 200) return expect(false, `load ${id}: ${current.status}`)
    const r =
      roll > 0.94
        ? await call(token, 'POST', `/api/equipment/${id}/verifications`, {
            verification_date: new Date().toISOString().slice(0, 10),
            verification_result: 'fit',
            version: current.data.version,
          })
        : await call(token, 'PATCH', `/api/equipment/${id}`, {
            version: current.data.version,
            responsible_person: `Правка ${randomBytes(3).toString('hex')}`,
          })
    if (r.status === 409) {
      stats.conflicts++
      continue
    }
    expect(
      r.status === 200 || r.status === 201,
      `write ${id}: ${r.status} ${JSON.stringify(r.data).slice(0, 200)}`,
    )
    if (r.status === 200 || r.status === 201) {
      writesPerId.set(id, (writesPerId.get(id) ?? 0) + 1)
      if (r.status === 201) cycles++
    }
    return
  }
}

console.log(
  `${USERS} users (${ADMINS} admins) for ${DURATION_MS / 1000} s on ${args.size} instruments…`,
)
// sessions first (the password KDF is deliberately slow), then the clock starts
const tokens: string[] = []
for (let i = 0; i < USERS; i += 10) {
  tokens.push(
    ...(await Promise.all(Array.from({ length: Math.min(10, USERS - i) }, (_, k) => logIn(i + k)))),
  )
}
const started = Date.now()
await Promise.all(tokens.map((token, i) => simulate(i, token, started + DURATION_MS)))
const seconds = (Date.now() - started) / 1000
server.child.kill('SIGTERM')

const final = await db.sql`
  select (select count(*)::int from equipment) as rows,
         (select coalesce(sum(version), 0)::int from equipment) as versions,
         (select count(*)::int from verification_history) as history,
         (select count(*)::int from audit_log where entity = 'equipment') as audits`
const perId = await db.sql`select id, version from equipment where id <= 50`
const edits = [...writesPerId.values()].reduce((a, b) => a + b, 0)
const problems: string[] = []
if (stats.requests < USERS) problems.push(`only ${stats.requests} requests`)
if (final[0].rows !== initial[0].rows + created)
  problems.push(`rows ${final[0].rows} ≠ ${initial[0].rows} + ${created}`)
if (final[0].versions !== initial[0].versions + edits + created)
  problems.push(`versions ${final[0].versions} ≠ ${initial[0].versions} + ${edits} + ${created}`)
for (const { id, version } of perId) {
  if (version !== 1 + (writesPerId.get(id) ?? 0))
    problems.push(`instrument ${id}: version ${version}, writes ${writesPerId.get(id) ?? 0}`)
}
if (final[0].history !== initial[0].history + cycles)
  problems.push(`history ${final[0].history} ≠ +${cycles}`)
if (final[0].audits !== initial[0].audits + edits + created)
  problems.push(`audit rows ${final[0].audits} ≠ +${edits + created}`)

stats.latencies.sort((a, b) => a - b)
const q = (p: number) => stats.latencies[Math.floor((stats.latencies.length - 1) * p)]?.toFixed(0)
console.log(
  `${stats.requests} requests in ${seconds.toFixed(0)} s (${(stats.requests / seconds).toFixed(0)} req/s), p50 ${q(0.5)} ms, p99 ${q(0.99)} ms`,
)
console.log(
  `writes: ${edits} edits/cycles (${cycles} cycles), ${created} created, ${stats.conflicts} stale-version 409s retried`,
)
console.log(
  `errors: ${stats.errors.length}${stats.errors.length ? '\n  ' + stats.errors.slice(0, 10).join('\n  ') : ''}`,
)
console.log(
  problems.length
    ? `LOST OR DUPLICATED WRITES:\n  ${problems.join('\n  ')}`
    : 'every write accounted for',
)
await db.drop()
rmSync(dataDir, { recursive: true, force: true })
process.exit(stats.errors.length || problems.length ? 1 : 0)
