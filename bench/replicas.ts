// npm run replicas -- [--replicas 2] [--users 60] [--duration 60] [--size 10000] [--think-ms 0]
//   [--kill-at 30] [--no-checks]
// Several server replicas (runtime/main.ts, one process each) on one fresh database and one
// DATA_DIR, behind Debian's nginx (its own config in a temp folder, deploy/nginx/proxy.conf
// included). First the cross-replica checks, straight at the replicas: a token from replica A
// works on B, logout on A revokes it on B at once, failed logins through A and B count against
// one lockout, and the per-address sign-in rate limit is one window across them. Then `users`
// simulated users through nginx — laborants list, search, open and print labels; admins also
// edit, record cycles and upload files — each pausing `think-ms` on average (uniformly 0…2×)
// between requests. With --kill-at, replica A is killed (SIGKILL) that many seconds in: reads in
// flight are resent by nginx to B; a write in flight on A is answered 502 and counted as
// unacknowledged (it may or may not have been applied — the client would retry it). "In flight"
// lasts until A's process is seen gone, plus a second: until then nginx may still send a write on
// a kept-alive connection to A. Every other request after the kill must succeed. Ends with every acknowledged write present (versions,
// cycles, uploaded files read back with their hash) and none applied twice. Prints per kind:
// count, p50/p99, errors; throughput; each replica's peak RSS; the CPU the replicas and the
// database used per request. Exit code 1 on any failure.
import { SETTINGS_CHANNEL } from '../domain/settings/registry.ts'
import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { signToken } from '../runtime/auth.ts'
import { BENCH_PASSWORD, benchDatabase } from './database.ts'
import { freePort, ROOT, start } from './process.ts'

const { values: args } = parseArgs({
  options: {
    replicas: { type: 'string', default: '2' },
    users: { type: 'string', default: '60' },
    duration: { type: 'string', default: '60' },
    size: { type: 'string', default: '10000' },
    'think-ms': { type: 'string', default: '0' },
    'kill-at': { type: 'string', default: '0' },
    'no-checks': { type: 'boolean', default: false },
  },
})
const REPLICAS = Number(args.replicas)
const USERS = Number(args.users)
const DURATION_MS = Number(args.duration) * 1000
const THINK_MS = Number(args['think-ms'])
const KILL_AT_MS = Number(args['kill-at']) * 1000
const ADMINS = Math.max(1, Math.round(USERS / 10))
const HOT = 200 // admins edit, cycle and upload to these instruments (ids 1…HOT): versions collide
const DEPARTMENTS = ['gtl', 'lhaiei', 'lbr', 'ltr', 'es', 'ogmk', 'to']
const WORDS = ['манометр', 'термометр гтл', 'весы', 'просрочен', 'ТЦСМ', 'консервации', 'кт 1,5']
const SECRET = randomBytes(32).toString('hex')
if (KILL_AT_MS && REPLICAS < 2) throw new Error('--kill-at needs two replicas or more')

// ---- the stack: database, replicas, nginx ----------------------------------------------------

const db = await benchDatabase(Number(args.size), { name: `deltica_replicas_${process.pid}` })
const work = mkdtempSync(join(tmpdir(), 'deltica-replicas-'))
const dataDir = join(work, 'data')
mkdirSync(dataDir)
const [{ hash }] = await db.sql<{ hash: string }[]>`
  select password_hash as hash from users where username = 'bench'`
const userIds = await db.sql<{ id: number }[]>`
  insert into users (username, full_name, department, role, password_hash)
  select 'user' || i, 'Пользователь ' || i,
         case when i < ${ADMINS}::int then null else (${DEPARTMENTS}::text[])[1 + i % 7] end,
         case when i < ${ADMINS}::int then 'admin' else 'laborant' end, ${hash}
  from generate_series(0, ${USERS - 1}::int) as i
  order by i
  returning id`

// as a database in service is: statistics gathered, the seeded rows' hint bits set
await db.sql`vacuum analyze`

const replicaEnv = {
  DATABASE_URL: db.url,
  HOST: '127.0.0.1',
  SECRET_KEY: SECRET,
  DATA_DIR: dataDir,
  LOG_LEVEL: 'warn',
  TRUSTED_PROXIES: '127.0.0.1',
}
// started together, as a compose up does (migrations and the first admin under their locks)
const replicas = await Promise.all(
  Array.from({ length: REPLICAS }, (_, i) =>
    start(['--import', 'tsx', 'runtime/main.ts'], replicaEnv, join(work, `replica-${i}.out`)),
  ),
)
const direct = replicas.map((r) => `http://127.0.0.1:${r.port}`)

async function startNginx(ports: number[]): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort()
  const prefix = join(work, 'nginx')
  mkdirSync(join(prefix, 'tmp'), { recursive: true })
  chmodSync(work, 0o755)
  chmodSync(prefix, 0o755)
  chmodSync(join(prefix, 'tmp'), 0o777) // the workers run as nobody when started by root
  writeFileSync(
    join(prefix, 'nginx.conf'),
    `daemon off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
worker_rlimit_nofile 16384;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path ${prefix}/tmp/body;
  proxy_temp_path ${prefix}/tmp/proxy;
  fastcgi_temp_path ${prefix}/tmp/fastcgi;
  uwsgi_temp_path ${prefix}/tmp/uwsgi;
  scgi_temp_path ${prefix}/tmp/scgi;
  upstream deltica {
${ports.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=10s;`).join('\n')}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 100m;
    location / { include ${join(ROOT, 'deploy/nginx/proxy.conf')}; }
  }
}
`,
  )
  const child = spawn('nginx', ['-p', prefix, '-e', `${prefix}/error.log`, '-c', 'nginx.conf'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break
    if (
      await fetch(`${url}/api/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { child, url }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`nginx did not start: ${readFileSync(`${prefix}/error.log`, 'utf8')}`)
}
const nginx = await startNginx(replicas.map((r) => r.port))

const peakRss = replicas.map(() => 0)
const rssTimer = setInterval(() => {
  replicas.forEach((r, i) => {
    try {
      const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${r.child.pid}/status`, 'utf8'))
      if (kb) peakRss[i] = Math.max(peakRss[i], Number(kb[1]) / 1024)
    } catch {
      // killed: its peak stays
    }
  })
}, 500)

/** CPU seconds (user + system) a process has used; NaN once it is gone. */
function cpuOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // after "pid (name) ": state is field 3, utime and stime fields 14 and 15, in 1/100 s
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return NaN
  }
}
/** CPU seconds of the replicas and of this database's PostgreSQL backends, by pid. */
async function cpuNow(): Promise<Map<number, number>> {
  const backends = await db.sql<{ pid: number }[]>`
    select pid from pg_stat_activity where datname = current_database()`
  const pids = [...replicas.map((r) => r.child.pid!), ...backends.map((b) => b.pid)]
  return new Map(pids.map((pid) => [pid, cpuOf(pid)]))
}
/** CPU seconds used between two readings: [replicas, database]; a replica killed counts as 0. */
function cpuUsed(before: Map<number, number>, after: Map<number, number>): [number, number] {
  const replicaPids = new Set(replicas.map((r) => r.child.pid))
  let app = 0
  let database = 0
  for (const [pid, end] of after) {
    const used = end - (before.get(pid) ?? 0)
    if (!Number.isFinite(used)) continue
    if (replicaPids.has(pid)) app += used
    else database += used
  }
  return [app, database]
}

const failures: string[] = []

// ---- sessions, lockouts and rate limits across replicas ---------------------------------------

async function post(
  base: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
  return { status: res.status, data: (await res.json().catch(() => null)) as any }
}
const me = (base: string, token: string) =>
  fetch(`${base}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } }).then(
    (r) => r.status,
  )
const check = (ok: boolean, what: string) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`)
  if (!ok) failures.push(what)
}

async function crossReplicaChecks([a, b]: string[]) {
  const user = `user${USERS - 1}`
  const login = await post(a, '/api/auth/login', { username: user, password: BENCH_PASSWORD })
  check(login.status === 200, `sign-in on replica A: ${login.status}`)
  const token = login.data?.token as string
  check((await me(b, token)) === 200, 'the token from replica A works on replica B')
  const out = await fetch(`${a}/api/auth/logout`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  })
  const after = await me(b, token)
  check(out.status === 200 && after === 401, `logout on A revokes the token on B at once: ${after}`)

  // five wrong passwords, alternately through A and B, from one client behind the proxy
  const victim = `user${USERS - 2}`
  const from = { 'x-forwarded-for': '198.51.100.20' }
  const wrong = []
  for (let i = 0; i < 5; i++)
    wrong.push(
      (await post([a, b][i % 2], '/api/auth/login', { username: victim, password: `x${i}` }, from))
        .status,
    )
  check(
    wrong.join() === '401,401,401,401,423',
    `failed logins through A and B count together: ${wrong}`,
  )
  const right = await post(
    b,
    '/api/auth/login',
    { username: victim, password: BENCH_PASSWORD },
    from,
  )
  check(right.status === 423, `the lock holds on replica B: ${right.status}`)

  // the per-address sign-in rate limit: one window across the replicas
  await db.sql`update settings set value = '4' where key = 'login_rate_per_minute'`
  // the replicas keep the settings a few seconds: tell them, as a save through the API does
  await db.sql.notify(SETTINGS_CHANNEL, '')
  const limited = []
  for (let i = 0; i < 5; i++)
    limited.push(
      (
        await post(
          [a, b][i % 2],
          '/api/auth/login',
          { username: `ghost${i}`, password: 'x' },
          {
            'x-forwarded-for': '198.51.100.30',
          },
        )
      ).status,
    )
  await db.sql`update settings set value = '10000' where key = 'login_rate_per_minute'`
  await db.sql.notify(SETTINGS_CHANNEL, '')
  check(limited.join() === '401,401,401,401,429', `sign-in rate limit across A and B: ${limited}`)
}

if (!args['no-checks'] && REPLICAS >= 2) await crossReplicaChecks(direct)

// ---- the load ---------------------------------------------------------------------------------

type Kind = 'list' | 'search' | 'open' | 'document' | 'edit' | 'cycle' | 'upload'
const LABORANT_MIX: [Kind, number][] = [
  ['list', 30],
  ['search', 25],
  ['open', 40],
  ['document', 5],
]
const ADMIN_MIX: [Kind, number][] = [
  ['list', 15],
  ['search', 15],
  ['open', 20],
  ['edit', 25],
  ['cycle', 10],
  ['upload', 10],
  ['document', 5],
]
const latencies = new Map<Kind, number[]>()
const errors: string[] = []
let killedAt = 0
/** when replica A's process was seen gone (0 while it is not) */
let goneAt = 0
let afterKill = 0
let conflicts = 0
/** acknowledged (a) and unacknowledged, maybe applied (u) writes per hot instrument */
const writes = new Map<number, { a: number; u: number }>()
const cyclesDone = { a: 0, u: 0 }
const uploads: { fileId: number; sha256: string }[] = []
let uploadsUnsure = 0

const pickFrom = (mix: [Kind, number][]): Kind => {
  let roll = Math.random() * mix.reduce((s, [, w]) => s + w, 0)
  for (const [kind, weight] of mix) if ((roll -= weight) < 0) return kind
  return mix[0][0]
}
const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A request through nginx: its outcome, timed under its kind; 'unsure' = a write cut by the kill. */
async function call(
  kind: Kind,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; data: any; unsure?: boolean }> {
  const started = performance.now()
  const startedAt = Date.now()
  const form = body instanceof FormData
  try {
    const res = await fetch(nginx.url + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined || form ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : form ? body : JSON.stringify(body),
    })
    const data = res.headers.get('content-type')?.includes('json')
      ? await res.json()
      : await res.arrayBuffer()
    const list = latencies.get(kind) ?? []
    list.push(performance.now() - started)
    latencies.set(kind, list)
    if (killedAt && startedAt >= killedAt) afterKill++
    // a write that may have reached replica A before it was gone: nginx answers 502 and does not
    // resend it (a write is not idempotent)
    const maybeOnA = killedAt && (!goneAt || startedAt <= goneAt + 1000)
    const cut = maybeOnA && method !== 'GET' && res.status === 502
    return { status: res.status, data, unsure: Boolean(cut) }
  } catch (error) {
    errors.push(`${kind} ${method} ${path}: ${String(error)}`)
    return { status: 0, data: null }
  }
}
const expectStatus = (kind: Kind, r: { status: number; data: any }, want: number) => {
  if (r.status !== want) errors.push(`${kind}: ${r.status} ${JSON.stringify(r.data).slice(0, 160)}`)
}
const PDF = Buffer.concat([
  Buffer.from('%PDF-1.4\n'),
  randomBytes(20_000),
  Buffer.from('\n%%EOF\n'),
])
const PDF_SHA = createHash('sha256').update(PDF).digest('hex')

/** An edit or a cycle on a hot instrument: read its version, write, on 409 read again (≤ 5). */
async function write(kind: 'edit' | 'cycle', token: string) {
  const id = 1 + Math.floor(Math.random() * HOT)
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await call('open', token, 'GET', `/api/equipment/${id}`)
    if (current.status !== 200) return expectStatus('open', current, 200)
    const r =
      kind === 'cycle'
        ? await call(kind, token, 'POST', `/api/equipment/${id}/verifications`, {
            verification_date: new Date().toISOString().slice(0, 10),
            verification_result: 'fit',
            version: current.data.version,
          })
        : await call(kind, token, 'PATCH', `/api/equipment/${id}`, {
            version: current.data.version,
            responsible_person: `Правка ${randomBytes(3).toString('hex')}`,
          })
    if (r.status === 409) {
      conflicts++
      continue
    }
    const count = writes.get(id) ?? { a: 0, u: 0 }
    writes.set(id, count)
    if (r.unsure) {
      count.u++
      if (kind === 'cycle') cyclesDone.u++
    } else {
      expectStatus(kind, r, kind === 'cycle' ? 201 : 200)
      if (r.status === 200 || r.status === 201) {
        count.a++
        if (kind === 'cycle') cyclesDone.a++
      }
    }
    return
  }
}

async function simulate(i: number, token: string, deadline: number) {
  const mix = i < ADMINS ? ADMIN_MIX : LABORANT_MIX
  let seen: number[] = []
  // users start spread over one think time, not all at the same instant
  await sleep(Math.random() * THINK_MS)
  while (Date.now() < deadline) {
    const kind = pickFrom(mix)
    if (kind === 'list' || (kind === 'open' && !seen.length)) {
      const r = await call(
        'list',
        token,
        'GET',
        `/api/equipment?limit=50&offset=${Math.floor(Math.random() * 10) * 50}`,
      )
      expectStatus('list', r, 200)
      seen = (r.data?.items ?? []).map((x: { id: number }) => x.id)
    } else if (kind === 'search') {
      const r = await call(
        kind,
        token,
        'GET',
        `/api/equipment?q=${encodeURIComponent(pick(WORDS))}&limit=50`,
      )
      expectStatus(kind, r, 200)
    } else if (kind === 'open') {
      expectStatus(kind, await call(kind, token, 'GET', `/api/equipment/${pick(seen)}`), 200)
    } else if (kind === 'document') {
      if (seen.length) {
        const r = await call(kind, token, 'POST', '/api/documents/labels', {
          equipment_ids: seen.slice(0, 10),
          format: 'pdf',
        })
        if (!r.unsure) expectStatus(kind, r, 200)
      }
    } else if (kind === 'edit' || kind === 'cycle') {
      await write(kind, token)
    } else {
      const form = new FormData()
      form.set('category', 'general_docs')
      form.set('file', new Blob([PDF], { type: 'application/pdf' }), 'протокол.pdf')
      const id = 1 + Math.floor(Math.random() * HOT)
      const r = await call(kind, token, 'POST', `/api/upload/equipment/${id}`, form)
      if (r.unsure) uploadsUnsure++
      else {
        expectStatus(kind, r, 201)
        if (r.status === 201) uploads.push({ fileId: r.data.id, sha256: PDF_SHA })
      }
    }
    // the pause, but not past the end: the run lasts `duration`, whatever the think time
    if (THINK_MS) await sleep(Math.min(Math.random() * 2 * THINK_MS, deadline - Date.now()))
  }
}

const initial = await db.sql<{ versions: number; history: number; files: number }[]>`
  select (select coalesce(sum(version), 0)::int from equipment where id <= ${HOT}) as versions,
         (select count(*)::int from verification_history where equipment_id <= ${HOT}) as history,
         (select count(*)::int from equipment_file) as files`
// sessions signed here (a real sign-in costs the slow password hash: the checks above did those);
// the versions read after the checks, which logged one user out
const versions = await db.sql<{ id: number; token_version: number }[]>`
  select id, token_version from users where id in ${db.sql(userIds.map((u) => u.id))} order by id`
const tokens = await Promise.all(
  versions.map((u) => signToken({ userId: u.id, tokenVersion: u.token_version }, SECRET)),
)
console.log(
  `${REPLICAS} replicas behind nginx, ${USERS} users (${ADMINS} admins), think ${THINK_MS} ms, ` +
    `${DURATION_MS / 1000} s on ${args.size} instruments${KILL_AT_MS ? `, replica A killed at ${KILL_AT_MS / 1000} s` : ''}…`,
)
const cpuBefore = await cpuNow()
const started = Date.now()
const killer = KILL_AT_MS
  ? setTimeout(() => {
      killedAt = Date.now()
      replicas[0].child.once('exit', () => (goneAt = Date.now()))
      replicas[0].child.kill('SIGKILL')
    }, KILL_AT_MS)
  : null
await Promise.all(tokens.map((token, i) => simulate(i, token, started + DURATION_MS)))
const seconds = (Date.now() - started) / 1000
if (killer) clearTimeout(killer)
clearInterval(rssTimer)
const [appCpu, dbCpu] = cpuUsed(cpuBefore, await cpuNow())

// ---- every acknowledged write present, none applied twice --------------------------------------

const final = await db.sql<{ id: number; version: number }[]>`
  select id, version from equipment where id <= ${HOT}`
for (const { id, version } of final) {
  const w = writes.get(id) ?? { a: 0, u: 0 }
  if (version < 1 + w.a || version > 1 + w.a + w.u)
    failures.push(
      `instrument ${id}: version ${version}, ${w.a} acknowledged + ${w.u} unsure writes`,
    )
}
const [after] = await db.sql<{ history: number; files: number }[]>`
  select (select count(*)::int from verification_history where equipment_id <= ${HOT}) as history,
         (select count(*)::int from equipment_file) as files`
const newHistory = after.history - initial[0].history
if (newHistory < cyclesDone.a || newHistory > cyclesDone.a + cyclesDone.u)
  failures.push(
    `cycles: ${newHistory} recorded, ${cyclesDone.a} acknowledged + ${cyclesDone.u} unsure`,
  )
const newFiles = after.files - initial[0].files
if (newFiles < uploads.length || newFiles > uploads.length + uploadsUnsure)
  failures.push(
    `files: ${newFiles} stored, ${uploads.length} acknowledged + ${uploadsUnsure} unsure`,
  )
// each acknowledged upload read back through the proxy (from whichever replica is left)
for (const u of uploads) {
  const res = await fetch(`${nginx.url}/api/upload/${u.fileId}?download=1`, {
    headers: { authorization: `Bearer ${tokens[0]}` },
  })
  const sha = createHash('sha256')
    .update(Buffer.from(await res.arrayBuffer()))
    .digest('hex')
  if (res.status !== 200 || sha !== u.sha256)
    failures.push(`file ${u.fileId}: ${res.status}, hash ${sha}`)
}

// ---- report -----------------------------------------------------------------------------------

const q = (list: number[], p: number) => list[Math.floor((list.length - 1) * p)] ?? 0
let total = 0
console.log('kind       count   p50 ms   p99 ms')
for (const [kind, list] of [...latencies].sort((x, y) => y[1].length - x[1].length)) {
  list.sort((x, y) => x - y)
  total += list.length
  console.log(
    `${kind.padEnd(9)} ${String(list.length).padStart(6)} ${q(list, 0.5).toFixed(0).padStart(8)} ${q(list, 0.99).toFixed(0).padStart(8)}`,
  )
}
const acked = [...writes.values()].reduce((s, w) => s + w.a, 0)
const unsure = [...writes.values()].reduce((s, w) => s + w.u, 0)
console.log(
  `${total} requests in ${seconds.toFixed(0)} s = ${(total / seconds).toFixed(1)} req/s; ` +
    `peak RSS ${peakRss.map((m, i) => `replica ${'ABCDEFG'[i]} ${m.toFixed(0)} MB`).join(', ')}`,
)
console.log(
  `CPU during the run: replicas ${appCpu.toFixed(1)} s (${((appCpu * 1000) / total).toFixed(1)} ms a request), ` +
    `PostgreSQL ${dbCpu.toFixed(1)} s (${((dbCpu * 1000) / total).toFixed(1)} ms a request)` +
    (KILL_AT_MS ? ' — without the killed replica' : ''),
)
console.log(
  `writes: ${acked} edits/cycles acknowledged (${cyclesDone.a} cycles), ${uploads.length} uploads, ` +
    `${conflicts} stale-version 409s re-read and retried; unacknowledged (cut by the kill): ` +
    `${unsure} edits/cycles, ${uploadsUnsure} uploads`,
)
if (KILL_AT_MS) {
  console.log(`after the kill: ${afterKill} requests, all served by the replicas left`)
  if (afterKill === 0) failures.push('no request after the kill')
}
console.log(
  `errors: ${errors.length}${errors.length ? '\n  ' + errors.slice(0, 10).join('\n  ') : ''}`,
)
console.log(
  failures.length
    ? `FAILED:\n  ${failures.join('\n  ')}`
    : 'every acknowledged write present, none twice',
)

nginx.child.kill('SIGQUIT')
for (const r of replicas) r.child.kill('SIGTERM')
await Promise.all(
  [nginx.child, ...replicas.map((r) => r.child)].map(
    (c) =>
      new Promise((resolve) =>
        c.exitCode !== null || c.signalCode ? resolve(null) : c.once('exit', resolve),
      ),
  ),
)
await db.drop()
rmSync(work, { recursive: true, force: true })
process.exit(errors.length || failures.length ? 1 : 0)
