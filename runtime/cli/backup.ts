// npm run backup [-- --keep-days N] — one archive (database + file stores + manifest) into
// DATA_DIR/backups, then retention (the setting backup_keep_days unless --keep-days is given).
// Prints the archive's path; exit code 1 on failure.
import { applyRetention, createBackup } from '../../domain/backup/backup.ts'
import { cliBackupTarget, withDatabase } from './db.ts'

const argv = process.argv.slice(2)
const keepArg = argv.indexOf('--keep-days')
const keepDays = keepArg >= 0 ? Number(argv[keepArg + 1]) : null
if (keepDays !== null && !(Number.isInteger(keepDays) && keepDays >= 1)) {
  process.stderr.write('--keep-days: целое число дней, не меньше 1\n')
  process.exit(64)
}

try {
  await withDatabase(async (db, config) => {
    const target = cliBackupTarget(db, config)
    const result = await createBackup(target, { kind: 'cli' })
    const removed = await applyRetention(target, keepDays ?? undefined)
    const mb = (result.size / 1024 / 1024).toFixed(1)
    process.stderr.write(
      `Резервная копия создана за ${(result.duration_ms / 1000).toFixed(1)} с: ${mb} МиБ, ` +
        `файлов ${result.manifest.files.length}` +
        (removed.length ? `; удалено старых копий: ${removed.length}` : '') +
        '\n',
    )
    process.stdout.write(result.file + '\n')
  })
} catch (error) {
  process.stderr.write(`Резервная копия не создана: ${(error as Error).message}\n`)
  process.exit(1)
}
