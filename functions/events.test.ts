// The live register's stream: scope and no finance field, a move as removed/added,
// writes outside the API caught by the triggers, resume without loss, reset after the retention,
// a revoked session closing its stream, and two replicas on one PostgreSQL delivering across.
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp, type App } from '../runtime/app.ts'
import { postgresBus } from '../runtime/bus.ts'
import { connectUrl } from '../runtime/db.ts'
import { createLogger } from '../runtime/log.ts'
import { listen } from '../runtime/server.ts'
import { purgeEvents } from '../domain/live/events.ts'
import { liveTimings } from '../domain/live/hub.ts'
import { harness, type Harness } from '../test/app.ts'
import { equipmentFixture, insertEquipment } from '../test/equipment-fixtures.ts'
import { instrument } from '../test/equipment.ts'
import { serverUrl } from '../test/db.ts'
import { changes, sseReader } from '../test/sse.ts'

// the token check runs at every heartbeat: short here so a revoked stream closes quickly
liveTimings.heartbeatMs = 400

const FINANCE =
  /budget_item|code_rate|cost_rate|quantity|coefficient|total_cost|invoice_number|paid_amount|payment_date|verification_cost/

let h: Harness
let admin: string
let gtl: string
let lbr: string

beforeAll(async () => {
  h = await harness()
  await h.makeUser({ username: 'boss', role: 'admin', full_name: 'Иванов И. И.' })
  await h.makeUser({ username: 'lab_g', role: 'laborant', department: 'gtl' })
  await h.makeUser({ username: 'lab_l', role: 'laborant', department: 'lbr' })
  admin = await h.login('boss')
  gtl = await h.login('lab_g')
  lbr = await h.login('lab_l')
})
afterAll(() => h.close())

async function open(token: string, lastEventId?: string, app?: App) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` }
  if (lastEventId !== undefined) headers['last-event-id'] = lastEventId
  const res = app
    ? await app.fetch(new Request('http://deltica.test/api/events', { headers }), {
        ip: '10.9.0.1',
      })
    : await h.call('GET', '/api/events', { headers })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
  const stream = sseReader(res.body!)
  await stream.until((f) => f.some((x) => x.event === 'ready' || x.event === 'reset'))
  return stream
}

async function create(department: string, n = 1): Promise<{ id: number; version: number }> {
  const res = await h.call('POST', '/api/equipment', {
    token: admin,
    body: instrument({
      department,
      factory_number: `F-${department}-${n}`,
      inventory_number: `I-${department}-${n}`,
    }),
  })
  expect(res.status).toBe(201)
  return res.json()
}

async function patch(id: number, body: Record<string, unknown>) {
  const { version } = await (await h.call('GET', `/api/equipment/${id}`, { token: admin })).json()
  const res = await h.call('PATCH', `/api/equipment/${id}`, {
    token: admin,
    body: { ...body, version },
  })
  expect(res.status).toBe(200)
}

describe('GET /api/events', () => {
  it('needs a session', async () => {
    expect((await h.call('GET', '/api/events')).status).toBe(401)
  })

  it('a laborant gets only their department, nobody a finance field; an admin everything, with who', async () => {
    const [a, g, l] = await Promise.all([open(admin), open(gtl), open(lbr)])
    const inLbr = await create('lbr', 1)
    const inGtl = await create('gtl', 1)
    await patch(inLbr.id, { cost_rate: 99, budget_item: '99.99' })
    await patch(inGtl.id, { paid_amount: 5 })
    await a.until((f) => changes(f).length >= 4)
    await g.until((f) => changes(f).length >= 2)
    await l.until((f) => changes(f).length >= 2)
    expect(changes(a.frames).map((e) => [e.kind, e.equipment_id])).toEqual([
      ['created', inLbr.id],
      ['created', inGtl.id],
      ['updated', inLbr.id],
      ['updated', inGtl.id],
    ])
    expect(
      changes(g.frames).every((e) => e.equipment_id === inGtl.id && e.department === 'gtl'),
    ).toBe(true)
    expect(changes(l.frames).every((e) => e.equipment_id === inLbr.id)).toBe(true)
    expect(changes(a.frames)[2]).toMatchObject({ version: 2, user_name: 'Иванов И. И.' })
    for (const s of [a, g, l]) {
      for (const e of changes(s.frames)) expect(Object.keys(e).join(' ')).not.toMatch(FINANCE)
      expect(JSON.stringify(s.frames)).not.toMatch(/99\.99|"99"/)
    }
    // nothing from lbr ever reaches the gtl stream, even later
    await patch(inLbr.id, { responsible_person: 'Другой' })
    await a.until((f) => changes(f).length >= 5)
    await l.until((f) => changes(f).length >= 3)
    expect(changes(g.frames)).toHaveLength(2)
    await Promise.all([a, g, l].map((s) => s.cancel()))
  })

  it('a move between departments: removed for the old one, added for the new one', async () => {
    const item = await create('gtl', 2)
    const [a, g, l] = await Promise.all([open(admin), open(gtl), open(lbr)])
    await patch(item.id, { department: 'lbr' })
    await a.until((f) => changes(f).length >= 1)
    await g.until((f) => changes(f).length >= 1)
    await l.until((f) => changes(f).length >= 1)
    expect(changes(a.frames)).toMatchObject([{ kind: 'updated', department: 'lbr' }])
    expect(changes(g.frames)).toMatchObject([
      { kind: 'removed', equipment_id: item.id, department: null },
    ])
    expect(changes(l.frames)).toMatchObject([
      { kind: 'added', equipment_id: item.id, department: 'lbr' },
    ])
    // back again: the other way round
    await patch(item.id, { department: 'gtl' })
    await g.until((f) => changes(f).length >= 2)
    await l.until((f) => changes(f).length >= 2)
    expect(changes(g.frames)[1]).toMatchObject({ kind: 'added' })
    expect(changes(l.frames)[1]).toMatchObject({ kind: 'removed' })
    await Promise.all([a, g, l].map((s) => s.cancel()))
  })

  it('writes outside the API (a bulk insert, the cycle, the archive, a delete) are events too', async () => {
    const a = await open(admin)
    const ids = await insertEquipment(h.sql, [
      equipmentFixture(1, { department: 'gtl' }),
      equipmentFixture(2, { department: 'lbr' }),
    ])
    await a.until((f) => changes(f).length >= 2)
    expect(changes(a.frames).map((e) => e.kind)).toEqual(['created', 'created'])
    const [id] = ids
    const { version } = await (await h.call('GET', `/api/equipment/${id}`, { token: admin })).json()
    const cycle = await h.call('POST', `/api/equipment/${id}/verifications`, {
      token: admin,
      body: { version, verification_date: new Date().toISOString().slice(0, 10) },
    })
    expect(cycle.status).toBe(201)
    const archived = await h.call('POST', '/api/archive', {
      token: admin,
      body: { equipment_id: id, reason: 'Списан' },
    })
    expect(archived.status).toBe(201)
    expect((await h.call('POST', `/api/archive/${id}/restore`, { token: admin })).status).toBe(200)
    expect((await h.call('DELETE', `/api/equipment/${ids[1]}`, { token: admin })).status).toBe(204)
    await a.until((f) => changes(f).length >= 6)
    expect(
      changes(a.frames)
        .slice(2)
        .map((e) => [e.kind, e.equipment_id]),
    ).toEqual([
      ['cycle', id],
      ['archived', id],
      ['restored', id],
      ['deleted', ids[1]],
    ])
    expect(changes(a.frames)[5]).toMatchObject({ user_name: 'Иванов И. И.', department: 'lbr' })
    await a.cancel()
  })

  it('resuming with Last-Event-ID loses nothing; a rolled-back write is no event', async () => {
    const first = await open(gtl)
    const from = first.frames.find((f) => f.event === 'ready')!.id!
    await first.cancel()
    const made = [await create('gtl', 10), await create('lbr', 10), await create('gtl', 11)]
    await h.sql
      .begin(async (tx) => {
        await tx`update equipment set version = version + 1 where id = ${made[0].id}`
        throw new Error('rollback')
      })
      .catch(() => {})
    await patch(made[2].id, { responsible_person: 'Петров' })
    const resumed = await open(gtl, from)
    const got = changes(resumed.frames)
    expect(got.map((e) => [e.kind, e.equipment_id])).toEqual([
      ['created', made[0].id],
      ['created', made[2].id],
      ['updated', made[2].id],
    ])
    // the ready frame after the backlog carries the id to resume from next time
    const ready = resumed.frames.find((f) => f.event === 'ready')!
    expect(Number(ready.id)).toBeGreaterThanOrEqual(got[2].id)
    await resumed.cancel()
  })

  it('an id older than the 24 h kept gets a reset', async () => {
    const s = await open(admin)
    const from = s.frames.find((f) => f.event === 'ready')!.id!
    await s.cancel()
    await create('gtl', 20)
    await h.sql`update change_event set at = now() - interval '25 hours'`
    expect(await purgeEvents(h.sql)).toBeGreaterThan(0)
    const resumed = await open(admin, from)
    expect(resumed.frames.map((f) => f.event)).toEqual(['reset', 'ready'])
    expect(changes(resumed.frames)).toEqual([])
    await resumed.cancel()
    // an id the database never had (another installation, a restore) is a reset too
    const foreign = await open(admin, '999999999')
    expect(foreign.frames[0].event).toBe('reset')
    await foreign.cancel()
  })

  it('a revoked session (logout) closes its stream; the end is logged', async () => {
    await h.makeUser({ username: 'lab_g2', role: 'laborant', department: 'gtl' })
    const token = await h.login('lab_g2')
    const s = await open(token)
    expect((await h.call('POST', '/api/auth/logout', { token })).status).toBe(200)
    await s.closed(5000)
    expect(s.ended).toBe(true)
    expect(
      h.logs.some((l) => l.includes('event stream closed') && l.includes('session revoked')),
    ).toBe(true)
  })

  it('ends with the session: a token that expires closes its stream', async () => {
    const id = await h.makeUser({ username: 'lab_short', role: 'laborant', department: 'gtl' })
    const [{ token_version }] = await h.sql`select token_version from users where id = ${id}`
    const token = await new SignJWT({ tv: token_version })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(id))
      .setIssuedAt()
      .setIssuer('deltica')
      .setExpirationTime(Math.floor(Date.now() / 1000) + 2)
      .sign(new TextEncoder().encode(h.config.secretKey))
    const s = await open(token)
    await s.closed(6000)
    expect(h.logs.some((l) => l.includes('session expired'))).toBe(true)
  })
})

describe('through the real HTTP server', () => {
  it("outlives the server's idle timeout (heartbeats, a reader that keeps up) and still delivers", async () => {
    const server = await listen(h.app, {
      host: '127.0.0.1',
      port: 0,
      tls: null,
      http: {
        headersTimeoutMs: 2000,
        idleTimeoutMs: 300,
        keepAliveTimeoutMs: 1000,
        maxConnections: 100,
        maxConnectionsPerIp: 100,
      },
    })
    try {
      const res = await fetch(`${server.url}/api/events`, {
        headers: { authorization: `Bearer ${admin}` },
      })
      expect(res.status).toBe(200)
      expect(res.headers.get('x-accel-buffering')).toBe('no')
      const s = sseReader(res.body!)
      await s.until((f) => f.some((x) => x.event === 'ready'))
      // five idle timeouts pass with no event at all
      await new Promise((r) => setTimeout(r, 1500))
      expect(s.ended).toBe(false)
      const item = await create('gtl', 30)
      await s.until((f) => changes(f).some((e) => e.equipment_id === item.id))
      await s.cancel()
    } finally {
      await server.close(1000)
    }
  })
})

describe.runIf(serverUrl)('two replicas on one PostgreSQL', () => {
  it('a change written through one app reaches a stream of the other (LISTEN/NOTIFY)', async () => {
    const pools = [connectUrl(h.db.url, 3), connectUrl(h.db.url, 3)]
    try {
      const log = createLogger({ level: 'error', sink: () => {} })
      const [one, two] = await Promise.all(
        pools.map((sql) => createApp({ sql, config: h.config, log, bus: postgresBus(sql) })),
      )
      expect(two.bus.kind).toBe('postgres')
      const login = await one.fetch(
        new Request('http://deltica.test/api/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'boss', password: 'correct-horse-42' }),
        }),
        { ip: '10.9.0.2' },
      )
      const { token } = await login.json()
      const s = await open(token, undefined, two)
      const res = await one.fetch(
        new Request('http://deltica.test/api/equipment', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(instrument({ factory_number: 'R-1', inventory_number: 'R-1' })),
        }),
        { ip: '10.9.0.2' },
      )
      expect(res.status).toBe(201)
      const { id } = await res.json()
      await s.until((f) => changes(f).some((e) => e.equipment_id === id), 3000)
      await s.cancel()
    } finally {
      await Promise.all(pools.map((p) => p.end({ timeout: 1 })))
    }
  })
})
