// npm run migrate — a backup when something is pending, the pending migrations (and setting
// defaults), then the first admin.
import { backupBeforeMigrate } from '../../domain/backup/backup.ts'
import { backupTarget } from '../backup/target.ts'
import { ensureFirstAdmin, prepareDatabase } from '../../domain/bootstrap.ts'
import { createLogger } from '../log.ts'
import { withDatabase } from './db.ts'

await withDatabase(async (db, config) => {
  // a backup of the existing data first: migrations are forward-only
  const target = backupTarget({
    sql: db.sql,
    config,
    log: createLogger({ level: 'warn', stdout: true }),
    services: { database: { kind: db.kind, url: db.url } },
  })
  const applied = await prepareDatabase(db.sql, {
    beforeMigrate: () => backupBeforeMigrate(target),
  })
  console.log(
    applied.length
      ? `Применены миграции: ${applied.map((m) => m.file).join(', ')}`
      : 'Новых миграций нет',
  )
  if (process.argv.includes('--with-admin')) {
    await ensureFirstAdmin(db.sql, config.adminPassword, createLogger({ stdout: true }))
  }
})
