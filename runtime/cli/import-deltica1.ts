// npm run import:deltica1 -- --from <postgres URL | pg_dump file> [--uploads DIR] [--dry-run]
//   [--create-departments]
// Moves a branch from Deltica 1.x into the configured database (see docs/MIGRATION.md and
// domain/deltica1/import.ts). The 1.x database is opened read-only. Exit codes: 0 done (or dry
// run), 1 refused or failed (the report says why), 64 bad arguments, 78 bad configuration.
import { Deltica1Error } from '../../domain/deltica1/source.ts'
import { importDeltica1 } from '../../domain/deltica1/import.ts'
import { connectReadOnly } from '../db.ts'
import { DumpError, restoreDump, type RestoredDump } from '../dump-restore.ts'
import { withDatabase } from './db.ts'

const USAGE =
  'Использование: npm run import:deltica1 -- --from <адрес базы Deltica 1.x | файл pg_dump> ' +
  '[--uploads <папка backend/uploads>] [--dry-run] [--create-departments]'

function parse(argv: string[]) {
  const out = { from: '', uploads: null as string | null, dryRun: false, createDepartments: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--from') out.from = argv[++i] ?? ''
    else if (a === '--uploads') out.uploads = argv[++i] ?? ''
    else if (a === '--dry-run') out.dryRun = true
    else if (a === '--create-departments') out.createDepartments = true
    else {
      process.stderr.write(`Неизвестный параметр: ${a}\n${USAGE}\n`)
      process.exit(64)
    }
  }
  if (!out.from || out.uploads === '') {
    process.stderr.write(USAGE + '\n')
    process.exit(64)
  }
  return out
}

const isUrl = (s: string) => /^postgres(ql)?:\/\//.test(s)
const withoutPassword = (s: string) => {
  const u = new URL(s)
  u.password = ''
  return u.toString()
}

const args = parse(process.argv.slice(2))
try {
  await withDatabase(async (db, config) => {
    let dump: RestoredDump | null = null
    let sourceUrl = args.from
    if (!isUrl(args.from)) {
      if (db.kind !== 'postgres') {
        throw new DumpError(
          'Файл pg_dump принимается только при настоящем PostgreSQL (DATABASE_URL): встроенная ' +
            'база не умеет его восстановить. Укажите вместо файла адрес базы Deltica 1.x ' +
            '(postgres://…) или настройте DATABASE_URL.',
        )
      }
      process.stderr.write('Восстанавливаю дамп во временную базу…\n')
      dump = await restoreDump(db.url, args.from)
      sourceUrl = dump.url
    }
    const source = connectReadOnly(sourceUrl)
    try {
      const result = await importDeltica1({
        source,
        sourceLabel: dump ? `файл ${args.from}` : withoutPassword(args.from),
        target: db.sql,
        dataDir: config.dataDir,
        timeZone: config.timeZone,
        uploads: args.uploads,
        dryRun: args.dryRun,
        createDepartments: args.createDepartments,
      })
      process.stdout.write(result.report.render(result.head, 40))
      process.stdout.write(`\nОтчёт полностью: ${result.reportFile}\n`)
      if (!args.dryRun && !result.applied) process.exitCode = 1
    } finally {
      await source.end({ timeout: 5 })
      await dump?.drop()
    }
  })
} catch (error) {
  if (error instanceof Deltica1Error || error instanceof DumpError) {
    process.stderr.write(`Перенос не выполнен: ${error.message}\n`)
    process.exit(1)
  }
  process.stderr.write(`Перенос не выполнен, база не изменена: ${(error as Error).message}\n`)
  process.exit(1)
}
