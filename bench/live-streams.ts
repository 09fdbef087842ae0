// The live register under load: one server process on a real PostgreSQL, N open
// GET /api/events streams (default 1,000), the server's RSS per stream, then edits of one
// instrument and the delay until each edit's event has reached every stream (p50/p99/max over
// all streams × edits, counted from the moment the PATCH is sent).
//   TEST_DATABASE_URL=postgres://… node --import tsx bench/live-streams.ts [--streams 1000] [--edits 20]
// Goals: ≤ 64 KiB of RSS per stream, p99 < 1 s. Prints JSON; exits 1 when a goal is missed or a
// stream lost an event.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { connectUrl } from '../runtime/db.ts'
import { start } from './process.ts'

const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '1000' },
    edits: { type: 'string', default: '20' },
  },
})
const STREAMS = Number(values.streams)
const EDITS = Number(values.edits)
const PASSWORD = 'bench-admin-pass-1'
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const rssKiB = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN)
const pct = (xs: number[], p: number) =>
  xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : NaN

async function main() {
  const serverUrl = process.env.TEST_DATABASE_URL
  if (!serverUrl) throw new Error('set TEST_DATABASE_URL to a PostgreSQL server')
  const dbName = `deltica_live_bench_${process.pid}`
  const admin = connectUrl(serverUrl, 1)
  await admin.unsafe(`create database ${dbName}`)
  const u = new URL(serverUrl)
  u.pathname = `/${dbName}`
  const dataDir = mkdtempSync(join(tmpdir(), 'deltica-live-bench-'))
  const { child, port } = await start(
    ['--import', 'tsx', 'runtime/main.ts'],
    {
      DATABASE_URL: u.toString(),
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      ADMIN_PASSWORD: PASSWORD,
      LOG_LEVEL: 'warn',
    },
    join(dataDir, 'server.log'),
  )
  const base = `http://127.0.0.1:${port}`
  const streams: Array<{ close: () => void }> = []
  try {
    const call = async (method: string, path: string, token: string | null, body?: unknown) => {
      const r = await fetch(base + path, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`)
      return r.json() as Promise<any>
    }
    const { token } = await call('POST', '/api/auth/login', null, {
      username: 'admin',
      password: PASSWORD,
    })
    const item = await call('POST', '/api/equipment', token, {
      equipment_name: 'Манометр',
      equipment_model: 'МП-100',
      equipment_type: 'SI',
      factory_number: 'B-1',
      inventory_number: 'B-1',
      verification_type: 'verification',
      verification_interval: 12,
      verification_date: new Date().toISOString().slice(0, 10),
      verification_state: 'state_work',
      department: 'gtl',
      budget_item: '11.03.02.01',
      quantity: 1,
      coefficient: 1,
    })
    await sleep(2000)
    const before = rssKiB(child.pid!)

    // arrival times per version: version → one time per stream
    const arrivals = new Map<number, number[]>()
    const agent = new Agent({ keepAlive: false, maxSockets: Infinity })
    let ready = 0
    const open = () =>
      new Promise<void>((resolve, reject) => {
        const req = request(
          `${base}/api/events`,
          { agent, headers: { authorization: `Bearer ${token}` } },
          (res) => {
            if (res.statusCode !== 200) return reject(new Error(`stream: ${res.statusCode}`))
            res.setEncoding('utf8')
            let buffer = ''
            res.on('data', (chunk: string) => {
              const now = performance.now()
              buffer += chunk
              let cut: number
              while ((cut = buffer.indexOf('\n\n')) >= 0) {
                const frame = buffer.slice(0, cut)
                buffer = buffer.slice(cut + 2)
                if (frame.includes('event: ready')) {
                  ready++
                  resolve()
                } else if (frame.includes('event: change')) {
                  const data = JSON.parse(frame.slice(frame.indexOf('data: ') + 6))
                  if (data.equipment_id !== item.id) continue
                  let list = arrivals.get(data.version)
                  if (!list) arrivals.set(data.version, (list = []))
                  list.push(now)
                }
              }
            })
          },
        )
        req.on('error', reject)
        req.end()
        streams.push({ close: () => req.destroy() })
      })
    for (let i = 0; i < STREAMS; i += 100) {
      await Promise.all(Array.from({ length: Math.min(100, STREAMS - i) }, open))
    }
    await sleep(3000)
    const after = rssKiB(child.pid!)

    const delays: number[] = []
    let lost = 0
    let version = item.version as number
    for (let e = 0; e < EDITS; e++) {
      const sent = performance.now()
      const saved = await call('PATCH', `/api/equipment/${item.id}`, token, {
        version,
        responsible_person: `Правка ${e + 1}`,
      })
      version = saved.version
      const deadline = performance.now() + 10_000
      while ((arrivals.get(version)?.length ?? 0) < STREAMS && performance.now() < deadline)
        await sleep(5)
      const got = arrivals.get(version) ?? []
      lost += STREAMS - got.length
      for (const t of got) delays.push(t - sent)
      await sleep(300)
    }
    delays.sort((a, b) => a - b)
    const result = {
      streams: STREAMS,
      ready,
      edits: EDITS,
      rss_before_mib: Math.round(before / 102.4) / 10,
      rss_after_mib: Math.round(after / 102.4) / 10,
      rss_per_stream_kib: Math.round(((after - before) / STREAMS) * 10) / 10,
      delivery_p50_ms: Math.round(pct(delays, 50)),
      delivery_p99_ms: Math.round(pct(delays, 99)),
      delivery_max_ms: Math.round(delays[delays.length - 1] ?? NaN),
      lost,
    }
    console.log(JSON.stringify(result))
    const fail: string[] = []
    if (result.rss_per_stream_kib > 64)
      fail.push(`RSS per stream ${result.rss_per_stream_kib} KiB > 64`)
    if (!(result.delivery_p99_ms < 1000)) fail.push(`p99 ${result.delivery_p99_ms} ms ≥ 1 s`)
    if (lost) fail.push(`${lost} deliveries lost`)
    if (fail.length) {
      console.error(fail.join('\n'))
      process.exitCode = 1
    }
  } finally {
    for (const s of streams) s.close()
    child.kill('SIGTERM')
    await new Promise((r) => child.once('exit', r))
    await admin.unsafe(`drop database if exists ${dbName} with (force)`)
    await admin.end({ timeout: 1 })
    rmSync(dataDir, { recursive: true, force: true })
  }
}

await main()
