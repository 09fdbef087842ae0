import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { extract as tarExtract } from 'tar'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inProcessBus } from '../../runtime/bus.ts'
import { pruneBackups, verifyArchive } from '../../runtime/backup/archive.ts'
import { tableSums } from '../../runtime/backup/manifest.ts'
import { postgresBinDir, serverVersion } from '../../runtime/backup/pg-dump.ts'
import { backupsDir, type BackupTarget } from '../../runtime/backup/target.ts'
import { createLogger } from '../../runtime/log.ts'
import { testConfig } from '../../test/app.ts'
import { testDatabase, type TestDatabase } from '../../test/db.ts'
import { seedEquipment } from '../../test/seed-equipment.ts'
import { dailyJobs, jobScheduler } from '../jobs/daily.ts'
import { loadSettings } from '../settings/registry.ts'
import { updateSettings } from '../settings/values.ts'
import { backupBeforeMigrate, createBackup, restoreBackup } from './backup.ts'

let db: TestDatabase
let target: BackupTarget
const config = testConfig()
const log = createLogger({ level: 'error' })

/** every file under DATA_DIR/uploads → its bytes as hex */
function filesOf(dataDir: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (d: string, rel: string) => {
    if (!existsSync(d)) return
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${rel}${e.name}/`)
      else out[rel + e.name] = readFileSync(join(d, e.name)).toString('hex')
    }
  }
  walk(join(dataDir, 'uploads'), '')
  return out
}

beforeAll(async () => {
  db = await testDatabase()
  target = {
    sql: db.sql,
    kind: db.kind,
    url: db.url,
    dataDir: config.dataDir,
    log,
    version: 'test',
  }
  await seedEquipment(db.sql, 300, { archivedEvery: 10 })
  await db.sql`
    insert into contracts (executor_name, contract_number, contract_amount, spent_amount)
    values ('ТЦСМ', '1', 100, 30), ('ГПП', '2', 5, 0)`
  await db.sql`
    insert into verification_history (equipment_id, verification_type, verification_interval,
      verification_date, verification_due, certificate_number, verifier_org)
    select id, 'verification', 12, date '2022-03-01', date '2023-02-28', 'H-' || id, 'ТЦСМ'
    from equipment where id % 4 = 0`
  const up = join(config.dataDir, 'uploads')
  mkdirSync(join(up, '2026', '11'), { recursive: true })
  writeFileSync(join(up, '2026', '11', 'свидетельство.pdf'), randomBytes(200_000))
  writeFileSync(join(up, '2026', '11', 'empty.bin'), Buffer.alloc(0))
  writeFileSync(join(up, 'a.png'), randomBytes(1234))
  writeFileSync(join(up, '.0b8e-in-progress.part'), 'half an upload') // never archived
})
afterAll(async () => {
  await db.close()
  rmSync(config.dataDir, { recursive: true, force: true })
})

describe('backup and restore', () => {
  let archive: string
  let sumsAtBackup: Awaited<ReturnType<typeof tableSums>>
  let filesAtBackup: Record<string, string>

  it('writes one archive with a manifest of counts, checksums and file hashes, and a history row', async () => {
    sumsAtBackup = await tableSums(db.sql)
    filesAtBackup = filesOf(config.dataDir)
    const result = await createBackup(target, { kind: 'manual' })
    archive = result.file
    expect(existsSync(archive)).toBe(true)
    expect(result.manifest.tables).toEqual(sumsAtBackup)
    expect(result.manifest.tables.equipment.rows).toBe(300)
    expect(result.manifest.files.map((f) => f.path).sort()).toEqual([
      'uploads/2026/11/empty.bin',
      'uploads/2026/11/свидетельство.pdf',
      'uploads/a.png',
    ])
    expect(result.manifest.database.dump).toBe(
      db.kind === 'postgres' ? 'pg_dump-custom' : 'deltica-jsonl',
    )
    const [row] = await db.sql`select * from backups where id = ${result.id}`
    expect(row).toMatchObject({ status: 'ok', kind: 'manual', size_bytes: statSync(archive).size })
    expect(readdirSync(backupsDir(config.dataDir)).filter((f) => f.startsWith('.'))).toEqual([])
  })

  it('restores over changed data: identical row counts, per-table checksums, byte-identical files', async () => {
    await db.sql`delete from contracts where executor_name = 'ГПП'`
    await db.sql`update finance set cost_rate = 1 where equipment_id % 3 = 0`
    await seedEquipment(db.sql, 5)
    writeFileSync(join(config.dataDir, 'uploads', 'a.png'), 'changed')
    writeFileSync(join(config.dataDir, 'uploads', 'new.pdf'), 'new')
    rmSync(join(config.dataDir, 'uploads', '2026'), { recursive: true })
    expect(await tableSums(db.sql)).not.toEqual(sumsAtBackup)

    const verified = await verifyArchive(archive, config.dataDir)
    const result = await restoreBackup(target, verified)
    expect(result.mismatches).toEqual([])
    const after = await tableSums(db.sql)
    // the restore itself appends one audit entry; everything else is exactly as backed up
    const { audit_log: auditAfter, ...restAfter } = after
    const { audit_log: auditBefore, ...restBefore } = sumsAtBackup
    expect(restAfter).toEqual(restBefore)
    expect(auditAfter.rows).toBe(auditBefore.rows + 1)
    const { ['.0b8e-in-progress.part']: _part, ...archived } = filesAtBackup
    expect(filesOf(config.dataDir)).toEqual(archived)
    // the history survived and new ids continue after the restored ones
    expect((await db.sql`select count(*)::int as n from backups`)[0].n).toBeGreaterThanOrEqual(1)
    const [{ id }] = await db.sql`
      insert into contracts (executor_name, contract_number) values ('x', 'y') returning id`
    expect(Number(id)).toBeGreaterThan(2)
    await db.sql`delete from contracts where id = ${id}`
  })

  it('restores into a wiped database and an empty file store', async () => {
    await db.sql`drop schema public cascade`
    await db.sql`create schema public`
    rmSync(join(config.dataDir, 'uploads'), { recursive: true })
    const result = await restoreBackup(target, await verifyArchive(archive, config.dataDir))
    expect(result.mismatches).toEqual([])
    const { audit_log: _a, ...after } = await tableSums(db.sql)
    const { audit_log: _b, ...before } = sumsAtBackup
    expect(after).toEqual(before)
    const { ['.0b8e-in-progress.part']: _part, ...archived } = filesAtBackup
    expect(filesOf(config.dataDir)).toEqual(archived)
    // the restored schema is the real one: the status view works
    const [{ n }] = await db.sql`select count(*)::int as n from equipment_active`
    expect(n).toBe(270)
  })

  it('archives are private (0600 / 0700) and hold no SMTP password; a restore keeps the current one', async () => {
    const [admin] = await db.sql<{ id: number; username: string }[]>`
      insert into users (username, role, password_hash) values ('smtp-admin', 'admin', 'x')
      returning id::int, username`
    const env = { sql: db.sql, user: admin as any, ip: '127.0.0.1', bus: inProcessBus() }
    // the settings' version as a form would have read it (one row, created with the first save)
    const version = async () =>
      (await db.sql<{ version: number }[]>`select version from settings_meta`)[0]?.version ?? 1
    await updateSettings(
      env,
      { smtp_password: 'old-smtp-secret-7f3a', expiring_days: 21 },
      await version(),
    )
    const { file } = await createBackup(target, { kind: 'manual' })
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(statSync(backupsDir(config.dataDir)).mode & 0o777).toBe(0o700)

    // the archive's bytes, and its dump rendered as text: the settings are there, the password is not
    const dir = mkdtempSync(join(tmpdir(), 'deltica-secret-'))
    await tarExtract({ file, cwd: dir })
    const dump =
      db.kind === 'postgres'
        ? execFileSync(
            join(await postgresBinDir((await serverVersion(db.sql)).major), 'pg_restore'),
            ['--file=-', join(dir, 'database.dump')],
            { encoding: 'utf8', maxBuffer: 1 << 28 },
          )
        : gunzipSync(readFileSync(join(dir, 'database.jsonl.gz'))).toString('utf8')
    rmSync(dir, { recursive: true })
    expect(dump).toContain('expiring_days')
    expect(dump).toContain('smtp-admin')
    expect(dump).not.toContain('old-smtp-secret-7f3a')
    expect(readFileSync(file).includes('old-smtp-secret-7f3a')).toBe(false)

    await updateSettings(
      env,
      { smtp_password: 'new-smtp-secret-9c1b', expiring_days: 30 },
      await version(),
    )
    const result = await restoreBackup(target, await verifyArchive(file, config.dataDir))
    expect(result.mismatches).toEqual([])
    const settings = await loadSettings(db.sql)
    expect(settings.smtp_password).toBe('new-smtp-secret-9c1b')
    expect(settings.expiring_days).toBe(21)

    // a server with no password set keeps having none
    await db.sql`delete from secrets`
    await restoreBackup(target, await verifyArchive(file, config.dataDir))
    expect((await loadSettings(db.sql)).smtp_password).toBe('')
  })

  it('refuses a truncated or altered archive before touching anything', async () => {
    const sums = await tableSums(db.sql)
    const files = filesOf(config.dataDir)
    const dir = mkdtempSync(join(tmpdir(), 'deltica-bad-'))
    const truncated = join(dir, 'truncated.tar')
    writeFileSync(truncated, readFileSync(archive))
    truncateSync(truncated, Math.floor(statSync(archive).size * 0.6))
    await expect(verifyArchive(truncated, config.dataDir)).rejects.toThrow(/повреждён|обрезан/)

    const altered = join(dir, 'altered.tar')
    const bytes = readFileSync(archive)
    bytes[bytes.length - 20_000] ^= 0xff // inside the last file's data
    writeFileSync(altered, bytes)
    await expect(verifyArchive(altered, config.dataDir)).rejects.toThrow(/повреждён/)

    const foreign = join(dir, 'foreign.tar')
    writeFileSync(foreign, randomBytes(5000))
    await expect(verifyArchive(foreign, config.dataDir)).rejects.toThrow()

    expect(await tableSums(db.sql)).toEqual(sums)
    expect(filesOf(config.dataDir)).toEqual(files)
    expect(readdirSync(config.dataDir).filter((f) => f.startsWith('.restore-'))).toEqual([])
    rmSync(dir, { recursive: true })
  })

  it('retention removes only archives older than the window and marks their history', async () => {
    const dir = backupsDir(config.dataDir)
    const day = 86_400_000
    const now = Date.now()
    const make = (name: string, ageDays: number) => {
      writeFileSync(join(dir, name), 'x')
      const t = new Date(now - ageDays * day)
      utimesSync(join(dir, name), t, t)
    }
    make('deltica-backup-20260101-020000-scheduled.tar', 31)
    make('deltica-backup-20260102-020000-scheduled.tar', 30.01)
    make('deltica-backup-20260103-020000-scheduled.tar', 29.9)
    make('notes.tar', 400) // not ours: never touched
    await db.sql`
      insert into backups (kind, status, file_name)
      values ('scheduled', 'ok', 'deltica-backup-20260101-020000-scheduled.tar')`
    const removed = await pruneBackups(target, 30, now)
    expect(removed.sort()).toEqual([
      'deltica-backup-20260101-020000-scheduled.tar',
      'deltica-backup-20260102-020000-scheduled.tar',
    ])
    expect(existsSync(join(dir, 'deltica-backup-20260103-020000-scheduled.tar'))).toBe(true)
    expect(existsSync(join(dir, 'notes.tar'))).toBe(true)
    expect(existsSync(archive)).toBe(true)
    const [row] = await db.sql`
      select status from backups where file_name = 'deltica-backup-20260101-020000-scheduled.tar'`
    expect(row.status).toBe('deleted')
  })

  it('runs daily through the scheduler (short interval) and before migrations', async () => {
    await db.sql`update settings set value = '0'::jsonb where key = 'backup_hour'`
    const scheduler = jobScheduler({
      sql: db.sql,
      config: { ...config },
      log,
      services: { database: { kind: db.kind, url: db.url } },
      tickMs: 25,
    })
    for (const job of dailyJobs) scheduler.register(job)
    scheduler.start()
    let rows: any[] = []
    for (let i = 0; i < 200 && rows.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 25))
      rows = await db.sql`select * from backups where kind = 'scheduled' and status = 'ok'`
    }
    await scheduler.stop()
    expect(rows).toHaveLength(1)
    expect(existsSync(join(backupsDir(config.dataDir), rows[0].file_name))).toBe(true)

    await backupBeforeMigrate(target)
    const [pre] = await db.sql`select status from backups where kind = 'pre_migration'`
    expect(pre.status).toBe('ok')
  })
})

describe('pg_dump of the server’s major version', () => {
  it('is refused with a clear message when that version is not installed', async () => {
    await expect(postgresBinDir(99)).rejects.toThrow(/pg_dump версии 99.*postgresql-client-99/)
  })
})
