// Shared by the CLIs: the configured database (same rules as the server) for one command.
import { loadConfig, ConfigError, type Config } from '../config.ts'
import { openDatabase, type Database } from '../db.ts'

export async function withDatabase<T>(
  fn: (db: Database, config: Config) => Promise<T>,
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
  const db = await openDatabase({ ...config, poolSize: 2 })
  try {
    return await fn(db, config)
  } finally {
    await db.close()
  }
}
