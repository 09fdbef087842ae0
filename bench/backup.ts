// Backup/restore measurement: N instruments (SQL seeder) + M MiB of files in DATA_DIR/uploads on
// the database at TEST_DATABASE_URL (a fresh database is created and dropped).
//   node --import tsx bench/backup.ts [instruments=100000] [fileMiB=1024]
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createBackup, restoreBackup } from '../domain/backup/backup.ts'
import { verifyArchive } from '../runtime/backup/archive.ts'
import { tableSums } from '../runtime/backup/manifest.ts'
import { createLogger } from '../runtime/log.ts'
import { testDatabase } from '../test/db.ts'
import { seedEquipment } from '../test/seed-equipment.ts'

const instruments = Number(process.argv[2] ?? 100_000)
const fileMiB = Number(process.argv[3] ?? 1024)
const db = await testDatabase()
const dataDir = mkdtempSync(join(tmpdir(), 'deltica-bench-'))
const log = createLogger({ level: 'error' })
const target = { sql: db.sql, kind: db.kind, url: db.url, dataDir, log, version: 'bench' }
const t = () => performance.now()
try {
  let s = t()
  await seedEquipment(db.sql, instruments, { archivedEvery: 20 })
  await db.sql`
    insert into verification_history (equipment_id, verification_type, verification_interval,
      verification_date, verification_due, certificate_number)
    select id, 'verification', 12, date '2022-03-01', date '2023-02-28', 'H-' || id from equipment`
  console.log(
    `seeded ${instruments} instruments (+ as many history rows) in ${((t() - s) / 1000).toFixed(1)} s`,
  )
  s = t()
  const per = 5 * 1024 * 1024
  const n = Math.ceil((fileMiB * 1024 * 1024) / per)
  for (let i = 0; i < n; i++) {
    const dir = join(dataDir, 'uploads', String(i % 50))
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, `doc-${i}.pdf`), randomBytes(per))
  }
  console.log(`wrote ${n} files, ${fileMiB} MiB, in ${((t() - s) / 1000).toFixed(1)} s`)
  const [{ size }] = await db.sql`select pg_database_size(current_database()) as size`
  console.log(`database size ${(size / 1024 / 1024).toFixed(1)} MiB`)

  const before = await tableSums(db.sql)
  const b = await createBackup(target, { kind: 'cli' })
  console.log(
    `backup: ${(b.duration_ms / 1000).toFixed(1)} s, archive ${(b.size / 1024 / 1024).toFixed(1)} MiB, ` +
      `dump ${(b.manifest.database.size / 1024 / 1024).toFixed(1)} MiB`,
  )
  s = t()
  const verified = await verifyArchive(b.file, dataDir)
  const v = t() - s
  const r = await restoreBackup(target, verified)
  console.log(
    `restore: verify ${(v / 1000).toFixed(1)} s + restore ${(r.duration_ms / 1000).toFixed(1)} s, ` +
      `mismatches ${JSON.stringify(r.mismatches)}`,
  )
  const after = await tableSums(db.sql)
  console.log(`equipment rows before/after: ${before.equipment.rows}/${after.equipment.rows}`)
} finally {
  await db.close()
  rmSync(dataDir, { recursive: true, force: true })
}
