// Entry point: config → logging → database (real or embedded) → migrations → first admin →
// HTTP(S) server; SIGTERM/SIGINT shut it down gracefully.
import { join } from 'node:path'
import { createApp } from './app.ts'
import { ensureFirstAdmin, prepareDatabase } from './bootstrap.ts'
import { ConfigError, loadConfig } from './config.ts'
import { openDatabase } from './db.ts'
import { createLogger } from './log.ts'
import { listen } from './server.ts'
import { staticSite } from './static.ts'
import { sweepPartialUploads } from './uploads.ts'

async function main() {
  const started = performance.now()
  let config
  try {
    config = loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(error.message + '\n')
      process.exit(78) // EX_CONFIG
    }
    throw error
  }
  const log = createLogger({
    level: config.logLevel,
    stdout: true,
    dir: join(config.dataDir, 'logs'),
  })
  const db = await openDatabase(config)
  await prepareDatabase(db.sql)
  await ensureFirstAdmin(db.sql, config.adminPassword, log)
  const partials = await sweepPartialUploads(config.dataDir)
  if (partials > 0) log.warn('removed unfinished uploads', { count: partials })

  const app = await createApp({ sql: db.sql, config, log, fallback: staticSite(config) })
  const server = await listen(app, config)
  log.info('server started', {
    url: server.url,
    database: db.kind,
    version: config.version,
    startup_ms: Math.round(performance.now() - started),
  })

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info('shutting down', { signal })
    await server.close(10_000)
    await db.close()
    log.info('stopped')
    await log.close()
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}

main().catch((error) => {
  process.stderr.write(
    `Сервер не запустился: ${error instanceof Error ? error.stack : String(error)}\n`,
  )
  process.exit(1)
})
