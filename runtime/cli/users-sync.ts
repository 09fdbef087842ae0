// npm run users:sync -- <file.yaml> — see domain/users/sync.ts for the rules.
import { SyncError, readSyncFile, syncUsers } from '../../domain/users/sync.ts'
import { withDatabase } from './db.ts'

const file = process.argv[2]
if (!file) {
  console.error('Использование: npm run users:sync -- <файл.yaml>')
  process.exit(2)
}
try {
  const text = readSyncFile(file)
  const report = await withDatabase((db) => syncUsers(db.sql, text))
  console.log(
    `Создано: ${report.created.length}, обновлено: ${report.updated.length}, без изменений: ${report.unchanged.length}`,
  )
} catch (error) {
  if (error instanceof SyncError) {
    console.error('Файл не применён, ошибки:\n  ' + error.problems.join('\n  '))
    process.exit(1)
  }
  throw error
}
