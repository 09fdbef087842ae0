// What a backup works on (the database behind `sql` and the file stores of DATA_DIR) and how it
// fails: BackupError carries a message for the admin, BackupBusyError says another backup or
// restore holds the lock (the API answers 409 to it).
import { join } from 'node:path'
import type { Config } from '../config.ts'
import type { Sql } from '../db.ts'
import type { Logger } from '../log.ts'

export type BackupKind = 'manual' | 'scheduled' | 'pre_migration' | 'cli'

export interface BackupTarget {
  sql: Sql
  /** 'postgres': pg_dump/pg_restore against `url`; 'embedded': logical dump through `sql` */
  kind: 'postgres' | 'embedded'
  url: string
  dataDir: string
  log: Logger
  version: string
}

export class BackupError extends Error {}

export class BackupBusyError extends BackupError {
  constructor() {
    super('Резервное копирование или восстановление уже выполняется')
  }
}

/** The database behind `sql`, as main.ts (or a test) put it in services.database. */
export function backupTarget(env: {
  sql: Sql
  config: Config
  log: Logger
  services: Record<string, unknown>
}): BackupTarget {
  const db = env.services.database as { kind: 'postgres' | 'embedded'; url: string } | undefined
  return {
    sql: env.sql,
    kind: db?.kind ?? (env.config.databaseUrl ? 'postgres' : 'embedded'),
    url: db?.url ?? env.config.databaseUrl ?? '',
    dataDir: env.config.dataDir,
    log: env.log,
    version: env.config.version,
  }
}

export const backupsDir = (dataDir: string) => join(dataDir, 'backups')
