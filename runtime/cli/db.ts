// Shared by the CLIs: the configured database (same rules as the server) for one command.
import { loadConfig, ConfigError, type Config } from '../config.ts'
import { backupTarget } from '../backup/target.ts'
import { openDatabase, type Database } from '../db.ts'
import { FolderInUse } from '../embedded-lock.ts'
import { createLogger } from '../log.ts'

/**
 * With the embedded engine and a server running on the same DATA_DIR, the command works through
 * the server's engine; `exclusive` commands (restore) refuse instead, naming the server's process.
 */
export async function withDatabase<T>(
  fn: (db: Database, config: Config) => Promise<T>,
  options: { exclusive?: boolean } = {},
): Promise<T> {
  let config: Config
  try {
    config = loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(error.message + '\n')
      process.exit(78)
    }
    throw error
  }
  let db: Database
  try {
    db = await openDatabase({
      ...config,
      poolSize: 2,
      statementTimeoutMs: 0, // a command runs as long as it needs
      shareRunning: !options.exclusive,
    })
  } catch (error) {
    if (error instanceof FolderInUse) {
      process.stderr.write(error.message + '\n')
      process.exit(75) // EX_TEMPFAIL
    }
    throw error
  }
  try {
    return await fn(db, config)
  } finally {
    await db.close()
  }
}

/** The backup/restore target of a CLI run: the configured database and DATA_DIR, quiet log. */
export function cliBackupTarget(db: Database, config: Config) {
  return backupTarget({
    sql: db.sql,
    config,
    log: createLogger({ level: 'warn', stdout: false }),
    services: { database: { kind: db.kind, url: db.url } },
  })
}
