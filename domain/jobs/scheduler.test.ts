import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectUrl } from '../../runtime/db.ts'
import { createLogger } from '../../runtime/log.ts'
import type { DailyJob, SchedulerOptions } from '../../runtime/scheduler.ts'
import { testConfig } from '../../test/app.ts'
import { serverUrl, testDatabase, type TestDatabase } from '../../test/db.ts'
import { jobScheduler, settingHour } from './daily.ts'

let db: TestDatabase
const logs: string[] = []
const log = createLogger({ level: 'info', sink: (l) => logs.push(l) })
const config = testConfig()

beforeAll(async () => {
  db = await testDatabase()
})
afterAll(() => db.close())

const make = (sql = db.sql, extra: Partial<SchedulerOptions> = {}) =>
  jobScheduler({ sql, config, log, services: {}, ...extra })

const runs = (name: string) =>
  db.sql<{ status: string; username: string }[]>`
    select changes ->> 'status' as status, username
    from audit_log
    where action = 'job_run' and entity_id = ${name}`

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('scheduler', () => {
  it('runs a due job on its own within a short interval, once per day however many ticks', async () => {
    let count = 0
    const s = make(db.sql, { tickMs: 20 })
    s.register({ name: 'every-day', hour: 0, run: async () => void count++ })
    s.start()
    for (let i = 0; i < 100 && count === 0; i++) await sleep(20)
    await sleep(200) // ~10 more ticks
    await s.stop()
    expect(count).toBe(1)
    expect(await runs('every-day')).toEqual([{ status: 'ok', username: 'system' }])
  })

  it('waits for the hour, read from a setting', async () => {
    let count = 0
    const clock = async () => ({ day: '2026-06-01', hour: 1 })
    const s = make(db.sql, { clock })
    s.register({
      name: 'at-setting',
      hour: settingHour('backup_hour'),
      run: async () => void count++,
    })
    await db.sql`update settings set value = '3'::jsonb where key = 'backup_hour'`
    expect(await s.tick()).toEqual({})
    await db.sql`update settings set value = '1'::jsonb where key = 'backup_hour'`
    expect(await s.tick()).toEqual({ 'at-setting': 'done' })
    expect(count).toBe(1)
    await db.sql`update settings set value = '2'::jsonb where key = 'backup_hour'`
  })

  it('a second replica finds the job done; a failure is recorded, logged and not retried that day', async () => {
    const job: DailyJob = {
      name: 'fails',
      hour: 0,
      run: async () => {
        throw new Error('диск заполнен')
      },
    }
    const a = make()
    const b = make()
    a.register(job)
    b.register(job)
    expect(await a.tick()).toEqual({ fails: 'failed' })
    expect(await b.tick()).toEqual({ fails: 'already' })
    expect(await runs('fails')).toEqual([{ status: 'error', username: 'system' }])
    expect(
      logs.some((l) => l.includes('scheduled job failed') && l.includes('диск заполнен')),
    ).toBe(true)
    // a forced run (admin "now") still goes through
    expect(await a.runOnce('fails', { force: true })).toBe('failed')
  })

  it.runIf(serverUrl)('replicas ticking at the same moment: exactly one runs the job', async () => {
    const pools = [connectUrl(db.url, 2), connectUrl(db.url, 2), connectUrl(db.url, 2)]
    let count = 0
    const job: DailyJob = {
      name: 'race',
      hour: 0,
      run: async () => {
        count++
        await sleep(300)
      },
    }
    try {
      const replicas = pools.map((p) => make(p).register(job))
      const outcomes = await Promise.all(replicas.map((r) => r.tick()))
      expect(count).toBe(1)
      const values = outcomes.map((o) => o.race).sort()
      expect(values.filter((v) => v === 'done')).toHaveLength(1)
      expect(values.every((v) => ['done', 'busy', 'already'].includes(v))).toBe(true)
    } finally {
      await Promise.all(pools.map((p) => p.end()))
    }
  })

  it('stop() waits for a running job', async () => {
    let finished = false
    const s = make(db.sql, { tickMs: 10_000 })
    s.register({
      name: 'slow',
      hour: 0,
      run: async () => {
        await sleep(200)
        finished = true
      },
    })
    s.start()
    await sleep(20)
    await s.stop()
    expect(finished).toBe(true)
  })
})
