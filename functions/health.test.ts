import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { harness, type Harness } from '../test/app.ts'
import { tailLines, todaysLogFile } from '../runtime/log-tail.ts'

let h: Harness
let admin: string
beforeAll(async () => {
  h = await harness()
  await h.makeUser({ username: 'boss', role: 'admin' })
  await h.makeUser({ username: 'lab', role: 'laborant' })
  admin = await h.login('boss')
})
afterAll(() => h.close())

describe('system monitor', () => {
  it('reports database, disk, memory, uptime, version and the last finished backup', async () => {
    await h.sql`
      insert into backups (started_at, finished_at, kind, status, file_name, size_bytes)
      values
        (now() - interval '2 days', now() - interval '2 days', 'scheduled', 'ok', 'a.tar', 10),
        (now() - interval '1 day', now() - interval '1 day', 'manual', 'error', null, null),
        (now(), null, 'manual', 'running', null, null)`
    const res = await h.call('GET', '/api/health/system', { token: admin })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.status).toBe('ok')
    expect(body.version).toBe('0.0.0-test')
    expect(body.db.status).toBe('ok')
    expect(body.db.latency_ms).toBeGreaterThanOrEqual(0)
    expect(body.db.size_bytes).toBeGreaterThan(0)
    expect(body.disk.free_bytes).toBeGreaterThan(0)
    expect(body.disk.total_bytes).toBeGreaterThanOrEqual(body.disk.free_bytes)
    expect(body.memory.rss_bytes).toBeGreaterThan(1e6)
    expect(body.uptime_s).toBeGreaterThanOrEqual(0)
    expect(body.last_backup).toMatchObject({ kind: 'manual', status: 'error' })
  })

  it('reports CPU, database connections and the last backup’s age', async () => {
    const res = await h.call('GET', '/api/health/system', { token: admin })
    const body = await res.json()
    expect(body.cpu.cores).toBeGreaterThan(0)
    expect(body.cpu.percent).toBeGreaterThanOrEqual(0)
    expect(body.cpu.percent).toBeLessThanOrEqual(100)
    expect(body.db.connections).toBeGreaterThanOrEqual(1)
    // the last finished backup (the error one) ended a day ago
    expect(Math.abs(body.last_backup_age_s - 86_400)).toBeLessThan(120)
  })

  it('is admin-only', async () => {
    const lab = await h.login('lab')
    expect((await h.call('GET', '/api/health/system', { token: lab })).status).toBe(403)
    expect((await h.call('GET', '/api/health/logs', { token: lab })).status).toBe(403)
  })
})

describe('log tail', () => {
  it('returns the last lines of today’s file, parsed, oldest first', async () => {
    const file = todaysLogFile(h.config.dataDir)
    mkdirSync(join(h.config.dataDir, 'logs'), { recursive: true })
    const lines = Array.from({ length: 5000 }, (_, i) =>
      JSON.stringify({ level: 'info', msg: `строка ${i}`, pad: 'x'.repeat(i % 97) }),
    )
    writeFileSync(file, lines.join('\n') + '\n')
    const res = await h.call('GET', '/api/health/logs?limit=3', { token: admin })
    expect(res.status).toBe(200)
    const { items } = await res.json()
    expect(items.map((i: any) => i.msg)).toEqual(['строка 4997', 'строка 4998', 'строка 4999'])
    expect((await h.call('GET', '/api/health/logs?limit=0', { token: admin })).status).toBe(400)
  })

  it('reads only a bounded tail and handles a missing file and cut lines', async () => {
    const dir = join(h.config.dataDir, 'other')
    mkdirSync(dir)
    expect(await tailLines(join(dir, 'none.log'), 10)).toEqual([])
    const file = join(dir, 'big.log')
    writeFileSync(file, Array.from({ length: 100_000 }, (_, i) => `line-${i}`).join('\n') + '\n')
    // 1 KiB budget: far fewer than the 100,000 lines, and never a half line
    const tail = await tailLines(file, 100_000, 1024)
    expect(tail.length).toBeLessThan(1000)
    expect(tail.at(-1)).toBe('line-99999')
    expect(tail.every((l) => /^line-\d+$/.test(l))).toBe(true)
    expect(Number(tail[0].slice(5))).toBe(100_000 - tail.length)
  })
})
