// npm run restore -- <archive> [--yes] — checks the whole archive first (a damaged or truncated one
// is refused before anything is touched), shows what it holds, asks for confirmation (or --yes),
// then replaces the database and the file stores and checks row counts and checksums.
// Stop the server first: the restore replaces what it is serving.
import { resolve } from 'node:path'
import { createInterface } from 'node:readline/promises'
import { restoreBackup } from '../../domain/backup/backup.ts'
import { verifyArchive } from '../backup/archive.ts'
import { cliBackupTarget, withDatabase } from './db.ts'

const argv = process.argv.slice(2)
const yes = argv.includes('--yes') || argv.includes('-y')
const archive = argv.find((a) => !a.startsWith('-'))
if (!archive) {
  process.stderr.write('Использование: npm run restore -- <архив.tar> [--yes]\n')
  process.exit(64)
}

try {
  await withDatabase(
    async (db, config) => {
      const target = cliBackupTarget(db, config)
      const verified = await verifyArchive(resolve(archive), config.dataDir)
      const m = verified.manifest
      const rows = Object.values(m.tables).reduce((a, t) => a + t.rows, 0)
      process.stderr.write(
        `Архив проверен: создан ${m.created_at}, версия ${m.app_version}, ` +
          `строк ${rows}, файлов ${m.files.length}.\n` +
          `База ${db.kind === 'postgres' ? new URL(db.url).pathname.slice(1) : config.dataDir} и ` +
          `файлы в ${config.dataDir} будут ЗАМЕНЕНЫ содержимым архива.\n`,
      )
      if (!yes) {
        if (!process.stdin.isTTY) {
          process.stderr.write('Нет подтверждения: добавьте --yes для запуска без вопросов\n')
          process.exit(2)
        }
        const rl = createInterface({ input: process.stdin, output: process.stderr })
        const answer = (await rl.question('Введите «да» для восстановления: ')).trim().toLowerCase()
        rl.close()
        if (!['да', 'yes', 'y', 'д'].includes(answer)) {
          process.stderr.write('Отменено, ничего не изменено\n')
          process.exit(3)
        }
      }
      const result = await restoreBackup(target, verified, { user: 'cli' })
      if (result.mismatches.length) {
        process.stderr.write(
          `Восстановлено, но не совпали таблицы: ${result.mismatches.join(', ')}\n`,
        )
        process.exit(1)
      }
      process.stderr.write(
        `Восстановлено за ${(result.duration_ms / 1000).toFixed(1)} с; ` +
          `строки и контрольные суммы всех ${Object.keys(result.tables).length} таблиц совпали\n`,
      )
    },
    { exclusive: true },
  )
} catch (error) {
  process.stderr.write(`Восстановление не выполнено: ${(error as Error).message}\n`)
  process.exit(1)
}
