// Recall notifications against a real SMTP server running in-process (smtp-server): recipients
// per department / responsible person / admins, instruments per stage, no duplicates across runs,
// retries after SMTP failures, nothing sent when disabled; the in-app list shares the query; the
// test e-mail action; the SMTP password never read back in clear; users' e-mail field.
import { settingsChanged } from '../domain/settings/registry.ts'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { harness, type Harness, putSettings } from '../test/app.ts'
import { insertEquipment } from '../test/samples.ts'
import { dailyJobs, jobScheduler } from '../domain/jobs/daily.ts'
import { createLogger } from '../runtime/log.ts'
import { databaseClock } from '../runtime/scheduler.ts'
import { runRecallDigest } from '../domain/notifications/digest.ts'
import { testEmailTiming } from '../domain/notifications/actions.ts'

interface Received {
  to: string[]
  raw: string
}

let h: Harness
let smtp: SMTPServer
let port: number
let received: Received[] = []
let failures = 0
let admin: string
let laborant: string
const ids: Record<string, number> = {}
const log = createLogger({ level: 'error', sink: () => {} })

/** The decoded text/plain part of a message (the digest sends it base64-encoded). */
function textOf(raw: string): string {
  const m = /Content-Type: text\/plain[^]*?\r\n\r\n([A-Za-z0-9+/=\r\n]+?)\r\n(?:--|$)/.exec(raw)
  return m ? Buffer.from(m[1].replace(/\r\n/g, ''), 'base64').toString('utf8') : ''
}
const idsIn = (raw: string) =>
  [...textOf(raw).matchAll(/\(ID (\d+)\)/g)].map((m) => Number(m[1])).sort((a, b) => a - b)
const byRecipient = () =>
  Object.fromEntries(received.map((m) => [m.to.join(','), idsIn(m.raw)])) as Record<
    string,
    number[]
  >
const sorted = (...names: string[]) => names.map((n) => ids[n]).sort((a, b) => a - b)

async function setSettings(values: Record<string, unknown>) {
  for (const [key, value] of Object.entries(values)) {
    await h.sql`
      insert into settings (key, value) values (${key}, ${h.sql.json(value as any)})
      on conflict (key) do update set value = excluded.value`
  }
  await settingsChanged(h.app)
}
const run = (retryDelaysMs: number[] = []) =>
  runRecallDigest({ sql: h.sql, log }, { retryDelaysMs })

beforeAll(async () => {
  testEmailTiming.failureFloorMs = 0 // the dead-server cases below need no wait
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        if (failures > 0) {
          failures--
          const error = new Error('Temporary failure') as Error & { responseCode: number }
          error.responseCode = 451
          return callback(error)
        }
        received.push({
          to: session.envelope.rcptTo.map((a) => a.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve))
  port = (smtp.server.address() as AddressInfo).port

  h = await harness()
  const users: [string, 'admin' | 'laborant', string | null, string | null, string][] = [
    ['boss', 'admin', null, 'boss@lab.local', 'Петров П. П.'],
    ['lab', 'laborant', 'gtl', 'lab@lab.local', 'Лаборант ГТЛ'],
    ['lab2', 'laborant', 'lbr', 'lab2@lab.local', 'Лаборант ЛБР'],
    ['quiet', 'laborant', 'gtl', null, 'Без почты'],
    ['sid', 'laborant', 'ltr', 'sid@lab.local', 'Сидоров С. С.'],
    ['gone', 'laborant', 'gtl', 'gone@lab.local', 'Уволен'],
  ]
  for (const [username, role, department, email, full_name] of users) {
    const id = await h.makeUser({ username, role, department, full_name })
    await h.sql`update users set email = ${email} where id = ${id}`
  }
  await h.sql`update users set active = false where username = 'gone'`
  admin = await h.login('boss')
  laborant = await h.login('lab')

  const add = async (name: string, department: string, due: number, extra = {}) => {
    ids[name] = await insertEquipment(h.sql, { department, name, due_in_days: due, ...extra })
  }
  await add('A', 'gtl', 60)
  await add('B', 'gtl', 45)
  await add('C', 'gtl', 100)
  await add('D', 'lbr', 7)
  await add('E', 'lbr', -3)
  await add('F', 'gtl', 5, { state: 'state_storage' })
  await add('G', 'gtl', 0, { responsible_person: '  сидоров  С. С. ' })
  await add('H', 'lbr', -10)
  await add('I', 'gtl', 3)
  await h.sql`update equipment set archived_at = now(), archive_reason = 'x' where id = ${ids.I}`

  await setSettings({
    notify_enabled: true,
    smtp: {
      host: '127.0.0.1',
      port,
      security: 'none',
      user: '',
      from: 'deltica@lab.local',
      tls_verify: true,
    },
  })
})
afterAll(async () => {
  await h.close()
  await new Promise<void>((resolve) => smtp.close(() => resolve()))
})
beforeEach(() => {
  received = []
  failures = 0
})

describe('in-app list (the same query)', () => {
  it('lists instruments in work per stage; laborants see their department only', async () => {
    const res = await h.call('GET', '/api/notifications', { token: admin })
    const { items } = await res.json()
    const stages = Object.fromEntries(items.map((i: any) => [i.equipment_name, i.stage]))
    expect(stages).toEqual({ A: 60, B: 60, D: 7, E: -1, G: 0, H: -7 })
    const e = items.find((i: any) => i.equipment_name === 'E')
    expect(e.days_left).toBe(-3)
    expect(e.status).toBe('status_expired')
    expect(e.stage_label).toBe('Срок истёк')
    const mine = await (await h.call('GET', '/api/notifications', { token: laborant })).json()
    expect(mine.items.map((i: any) => i.equipment_name).sort()).toEqual(['A', 'B', 'G'])
  })
})

describe('digest', () => {
  it('sends nothing when disabled', async () => {
    await setSettings({ notify_enabled: false })
    const report = await run()
    expect(report.skipped).toBe('disabled')
    await setSettings({ notify_enabled: true })
    expect(received).toEqual([])
  })

  it('retries after an SMTP failure, then goes to the right people with the right instruments', async () => {
    failures = 2
    const report = await run([20, 20])
    expect(report.failed).toEqual([])
    expect(report.sent).toBe(4)
    expect(byRecipient()).toEqual({
      'boss@lab.local': sorted('A', 'B', 'D', 'E', 'G', 'H'),
      'lab@lab.local': sorted('A', 'B', 'G'),
      'lab2@lab.local': sorted('D', 'E', 'H'),
      'sid@lab.local': sorted('G'),
    })
    const text = textOf(received.find((m) => m.to[0] === 'lab2@lab.local')!.raw)
    expect(text).toContain('Срок истёк (1):')
    expect(text).toContain('Просрочено на 7 дн. и более (1):')
    expect(text).toContain('До окончания срока не более 7 дн. (1):')
    expect(text).toContain('ЛБР')
    expect(text).not.toMatch(/https?:\/\//)
    const [{ n }] = await h.sql`select count(*)::int as n from notification_sent`
    expect(n).toBe(6 + 3 + 3 + 1)
  })

  it('never sends the same instrument and stage twice, across runs and restarts', async () => {
    expect((await run()).recipients).toBe(0)
    // a fresh process: nothing in memory, only the database
    expect((await runRecallDigest({ sql: h.sql, log }, { retryDelaysMs: [] })).sent).toBe(0)
    expect(received).toEqual([])

    // time passes for A: due in 30 days now → the 30-day stage is new, only A goes out
    await h.sql`
      update verification
      set verification_date = (current_date + 31 - interval '12 months')::date
      where equipment_id = ${ids.A}`
    await run()
    expect(byRecipient()).toEqual({
      'boss@lab.local': [ids.A],
      'lab@lab.local': [ids.A],
    })
  })

  it('a failed address stays unsent and is retried at the next run', async () => {
    await h.sql`
      update verification
      set verification_date = (current_date + 8 - interval '12 months')::date
      where equipment_id = ${ids.B}`
    failures = 100
    const report = await run([])
    expect(report.sent).toBe(0)
    expect(report.failed.map((f) => f.email).sort()).toEqual(['boss@lab.local', 'lab@lab.local'])
    expect(report.failed[0].error).toMatch(/451/)
    const [{ n }] = await h.sql`
      select count(*)::int as n from notification_sent where equipment_id = ${ids.B} and stage = 7`
    expect(n).toBe(0)
    failures = 0
    expect((await run()).sent).toBe(2)
    expect(byRecipient()).toEqual({ 'boss@lab.local': [ids.B], 'lab@lab.local': [ids.B] })
  })

  it('the admin can run it from the API; the audit log records it', async () => {
    const res = await h.call('POST', '/api/notifications/run', { token: admin })
    expect(res.status).toBe(200)
    expect((await res.json()).sent).toBe(0)
    expect((await h.call('POST', '/api/notifications/run', { token: laborant })).status).toBe(403)
    const [row] = await h.sql`select action from audit_log where action = 'notify_run'`
    expect(row.action).toBe('notify_run')
  })
})

describe('schedule', () => {
  it('the server scheduler runs the digest once a day from notify_hour', async () => {
    const job = dailyJobs.find((j) => j.name === 'recall-digest')!
    ids.J = await insertEquipment(h.sql, { department: 'lbr', name: 'J', due_in_days: 6 })
    await setSettings({ notify_hour: 9 })
    expect(typeof job.hour === 'function' && (await job.hour(h.sql))).toBe(9)
    let hour = 8
    const scheduler = jobScheduler({
      sql: h.sql,
      config: h.config,
      log,
      services: {},
      clock: async (sql) => ({ day: (await databaseClock(sql)).day, hour }),
    }).register(job)
    expect(await scheduler.tick()).toEqual({})
    expect(received).toEqual([])
    hour = 9
    expect(await scheduler.tick()).toEqual({ 'recall-digest': 'done' })
    expect(byRecipient()).toEqual({ 'boss@lab.local': [ids.J], 'lab2@lab.local': [ids.J] })
    expect(await scheduler.tick()).toEqual({ 'recall-digest': 'already' })
    expect(received).toHaveLength(2)
  })
})

describe('test e-mail and settings', () => {
  it('sends a test e-mail; a dead SMTP server is a clear 502', async () => {
    const res = await h.call('POST', '/api/notifications/test-email', {
      token: admin,
      body: { to: 'someone@lab.local' },
    })
    expect(res.status).toBe(200)
    expect(received.map((m) => m.to)).toEqual([['someone@lab.local']])
    const own = await h.call('POST', '/api/notifications/test-email', { token: admin, body: {} })
    expect((await own.json()).to).toBe('boss@lab.local')

    await setSettings({
      smtp: {
        host: '127.0.0.1',
        port: 1,
        security: 'none',
        user: '',
        from: 'd@l',
        tls_verify: true,
      },
    })
    const dead = await h.call('POST', '/api/notifications/test-email', { token: admin, body: {} })
    expect(dead.status).toBe(502)
    expect((await dead.json()).error).toMatch(/^Не удалось отправить письмо: /)
    await setSettings({
      smtp: { host: '', port: 25, security: 'none', user: '', from: '', tls_verify: true },
    })
    expect(
      (await h.call('POST', '/api/notifications/test-email', { token: admin, body: {} })).status,
    ).toBe(409)
    const report = await run()
    expect(report.skipped).toBe('not_configured')
  })

  it('a failed test e-mail answers no faster than a filtered port would; 5 a minute at most', async () => {
    testEmailTiming.failureFloorMs = 1500
    await setSettings({
      smtp: {
        host: '127.0.0.1',
        port: 1,
        security: 'none',
        user: '',
        from: 'd@l',
        tls_verify: true,
      },
    })
    const limited = await h.makeUser({ username: 'mail_limit', role: 'admin' })
    expect(limited).toBeGreaterThan(0)
    const token = await h.login('mail_limit')
    const started = performance.now()
    const refused = await h.call('POST', '/api/notifications/test-email', {
      token,
      body: { to: 'x@lab.local' },
    })
    expect(refused.status).toBe(502)
    expect(performance.now() - started).toBeGreaterThanOrEqual(1400)
    testEmailTiming.failureFloorMs = 0
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) {
      const res = await h.call('POST', '/api/notifications/test-email', {
        token,
        body: { to: 'x@lab.local' },
      })
      statuses.push(res.status)
    }
    expect(statuses).toEqual([502, 502, 502, 502, 429])
    await setSettings({
      smtp: { host: '', port: 25, security: 'none', user: '', from: '', tls_verify: true },
    })
  })

  it('the SMTP password is admin-only and never read back in clear', async () => {
    const put = await putSettings(h, admin, { smtp_password: 's3cret-pass' })
    expect(put.status).toBe(200)
    expect((await put.json()).values.smtp_password).toBe('********')
    const [row] = await h.sql`select value from secrets where key = 'smtp_password'`
    expect(row.value).toBe('s3cret-pass')
    await putSettings(h, admin, { smtp_password: '********' })
    const [kept] = await h.sql`select value from secrets where key = 'smtp_password'`
    expect(kept.value).toBe('s3cret-pass')
    const audit = await h.sql`select changes from audit_log where action = 'settings_update'`
    expect(JSON.stringify(audit)).not.toContain('s3cret')
    const lab = await (await h.call('GET', '/api/settings', { token: laborant })).json()
    expect(lab.values).not.toHaveProperty('smtp_password')
    expect(lab.values).not.toHaveProperty('smtp')
  })

  it('users have an optional, validated e-mail', async () => {
    const [{ id }] = await h.sql`select id from users where username = 'quiet'`
    const ok = await h.call('PATCH', `/api/users/${id}`, {
      token: admin,
      body: { email: 'quiet@lab.local', version: 1 },
    })
    expect(ok.status).toBe(200)
    expect((await ok.json()).email).toBe('quiet@lab.local')
    const bad = await h.call('PATCH', `/api/users/${id}`, {
      token: admin,
      body: { email: 'nope', version: 2 },
    })
    expect(bad.status).toBe(400)
    const cleared = await h.call('PATCH', `/api/users/${id}`, {
      token: admin,
      body: { email: '', version: 2 },
    })
    expect((await cleared.json()).email).toBeNull()
  })
})
