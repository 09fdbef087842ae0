// Entry point: config → logging → database (real or embedded) → migrations → first admin →
// HTTP(S) server → daily scheduler; SIGTERM/SIGINT shut it down gracefully. With the CLIs
// (runtime/cli/) the only runtime file that wires the domain in: runtime/ never imports domain/
// or functions/ otherwise (test/layers.test.ts).
import { join } from 'node:path'
import { backupBeforeMigrate } from '../domain/backup/backup.ts'
import { ensureFirstAdmin, prepareDatabase } from '../domain/bootstrap.ts'
import { dailyJobs, jobScheduler } from '../domain/jobs/daily.ts'
import { hubFor } from '../domain/live/hub.ts'
import { createApp } from './app.ts'
import { openBus } from './bus.ts'
import { backupTarget } from './backup/target.ts'
import { ConfigError, loadConfig } from './config.ts'
import { openDatabase } from './db.ts'
import { FolderInUse } from './embedded-lock.ts'
import { fileStore } from './files/store.ts'
import { createLogger } from './log.ts'
import { listen } from './server.ts'
import { staticSite } from './static.ts'

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
    buffered: true,
  })
  const db = await openDatabase(config)
  await prepareDatabase(db.sql, {
    beforeMigrate: () =>
      backupBeforeMigrate(
        backupTarget({
          sql: db.sql,
          config,
          log,
          services: { database: { kind: db.kind, url: db.url } },
        }),
      ),
  })
  await ensureFirstAdmin(db.sql, config.adminPassword, log)
  const partials = await fileStore(config.dataDir).sweepPartial()
  if (partials > 0) log.warn('removed unfinished uploads', { count: partials })

  const services: Record<string, unknown> = { database: { kind: db.kind, url: db.url } }
  const scheduler = jobScheduler({ sql: db.sql, config, log, services })
  for (const job of dailyJobs) scheduler.register(job)

  const bus = openBus(db)
  const app = await createApp({
    sql: db.sql,
    bus,
    config,
    log,
    services,
    fallback: staticSite(config),
  })
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
    // the live streams never end by themselves: end them so in-flight requests can drain
    hubFor(db.sql, bus).closeAll()
    await server.close(10_000)
    await scheduler.stop()
    await db.close()
    log.info('stopped')
    await log.close()
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}

main().catch((error) => {
  if (error instanceof FolderInUse) {
    process.stderr.write(`Сервер не запустился: ${error.message}\n`)
    process.exit(75) // EX_TEMPFAIL
  }
  process.stderr.write(
    `Сервер не запустился: ${error instanceof Error ? error.stack : String(error)}\n`,
  )
  process.exit(1)
})
