// npm run users:sync -- <file.yaml> [--reset-passwords] — see domain/users/sync.ts for the rules.
import { SyncError, readSyncFile, syncUsers } from '../../domain/users/sync.ts'
import { withDatabase } from './db.ts'

const args = process.argv.slice(2)
const resetPasswords = args.includes('--reset-passwords')
const unknown = args.filter((a) => a.startsWith('--') && a !== '--reset-passwords')
const file = args.find((a) => !a.startsWith('--'))
if (!file || unknown.length) {
  console.error('Использование: npm run users:sync -- <файл.yaml> [--reset-passwords]')
  console.error(
    '  --reset-passwords  пароль из файла заменяет пароль уже существующего пользователя',
  )
  process.exit(2)
}
try {
  const text = readSyncFile(file)
  const report = await withDatabase((db) => syncUsers(db.sql, text, { resetPasswords }))
  for (const [username, notes] of Object.entries(report.details)) {
    console.log(`${username}: ${notes.length ? notes.join('; ') : 'без изменений'}`)
  }
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
