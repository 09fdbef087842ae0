// npm run migrate — applies pending migrations (and setting defaults), then the first admin.
import { ensureFirstAdmin, prepareDatabase } from '../bootstrap.ts'
import { createLogger } from '../log.ts'
import { withDatabase } from './db.ts'

await withDatabase(async (db, config) => {
  const applied = await prepareDatabase(db.sql)
  console.log(
    applied.length
      ? `Применены миграции: ${applied.map((m) => m.file).join(', ')}`
      : 'Новых миграций нет',
  )
  if (process.argv.includes('--with-admin')) {
    await ensureFirstAdmin(db.sql, config.adminPassword, createLogger({ stdout: true }))
  }
})
