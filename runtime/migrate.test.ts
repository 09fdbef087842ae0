import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { emptyDatabase, serverUrl } from '../test/db.ts'
import { connectUrl } from './db.ts'
import { listMigrations, migrate } from './migrate.ts'

describe('migrations', () => {
  it('are numbered uniquely, in order', () => {
    const all = listMigrations()
    expect(all.length).toBeGreaterThan(0)
    all.forEach((m, i) => i > 0 && expect(m.version).toBeGreaterThan(all[i - 1].version))
    const dir = mkdtempSync(join(tmpdir(), 'deltica-mig-'))
    writeFileSync(join(dir, '00001_a.sql'), '')
    writeFileSync(join(dir, '00001_b.sql'), '')
    expect(() => listMigrations(dir)).toThrow(/used twice/)
  })

  it('apply once, record themselves, and are idempotent', async () => {
    const db = await emptyDatabase()
    try {
      const first = await migrate(db.sql)
      expect(first.map((m) => m.version)).toEqual(listMigrations().map((m) => m.version))
      expect(await migrate(db.sql)).toEqual([])
      const rows = await db.sql`select version from schema_migrations order by version`
      expect(rows.map((r) => r.version)).toEqual(first.map((m) => m.version))
    } finally {
      await db.close()
    }
  })

  it('a failing migration rolls back entirely and runs the before-hook only when something is pending', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deltica-mig-'))
    writeFileSync(join(dir, '00001_ok.sql'), 'create table t1 (id int);')
    writeFileSync(
      join(dir, '00002_broken.sql'),
      'create table t2 (id int); select no_such_function();',
    )
    const db = await emptyDatabase()
    try {
      let hookCalls = 0
      await expect(
        migrate(db.sql, { dir, beforeApply: async () => void hookCalls++ }),
      ).rejects.toThrow()
      expect(hookCalls).toBe(1)
      const [{ t1, t2 }] = await db.sql`select to_regclass('t1') as t1, to_regclass('t2') as t2`
      expect([t1, t2]).toEqual([null, null])
    } finally {
      await db.close()
    }
  })

  // Concurrency needs independent sessions: a real PostgreSQL (CI). The embedded engine is one session.
  it.runIf(serverUrl)(
    'two servers starting at once apply each migration exactly once',
    async () => {
      const db = await emptyDatabase()
      const others = [connectUrl(db.url, 2), connectUrl(db.url, 2), connectUrl(db.url, 2)]
      try {
        const results = await Promise.all([migrate(db.sql), ...others.map((s) => migrate(s))])
        const appliedCounts = results.map((r) => r.length)
        expect(appliedCounts.reduce((a, b) => a + b, 0)).toBe(listMigrations().length)
        const [{ n }] = await db.sql`select count(*)::int as n from schema_migrations`
        expect(n).toBe(listMigrations().length)
      } finally {
        await Promise.all(others.map((s) => s.end()))
        await db.close()
      }
    },
  )
})

describe('time zone', () => {
  it('the session runs in the branch time zone (current_date is the local day), embedded too', async () => {
    const db = await emptyDatabase()
    try {
      const [row] = await db.sql`select current_setting('TimeZone') as tz`
      expect(row.tz).toBe('Europe/Moscow')
    } finally {
      await db.close()
    }
  })
})
