// Backups as the application runs them: every archive written or restored is audited
// (backup_create, backup_restore), the daily job keeps `backup_keep_days` of archives, and a
// database that already has a schema is backed up before migrations. The archive itself — dump,
// manifest, lock, history rows — is runtime/backup/.
import {
  createBackup as writeBackup,
  pruneBackups,
  restoreArchive,
  type BackupResult,
  type RestoreResult,
  type VerifiedArchive,
} from '../../runtime/backup/archive.ts'
import { hasTable } from '../../runtime/backup/manifest.ts'
import { backupTarget, type BackupKind, type BackupTarget } from '../../runtime/backup/target.ts'
import type { JobContext } from '../../runtime/scheduler.ts'
import { recordAudit } from '../audit/record.ts'
import { isSecret, loadSettings, settingKeys } from '../settings/registry.ts'

/** A backup now, audited as made by `user` (or 'system'). */
export function createBackup(
  target: BackupTarget,
  opts: { kind: BackupKind; user?: { id: number; username: string } | null; ip?: string },
): Promise<BackupResult> {
  return writeBackup(target, {
    kind: opts.kind,
    user: opts.user,
    recorded: (tx, backup) =>
      recordAudit(
        tx,
        { user: (opts.user as any) ?? null, ip: opts.ip ?? 'local' },
        {
          action: 'backup_create',
          entity: 'backup',
          entityId: backup.id,
          username: opts.user?.username ?? 'system',
          changes: { kind: opts.kind, file: backup.file, size_bytes: backup.size },
        },
      ),
  })
}

/** Restores a verified archive, audited with the archive's date and the tables that differ. */
export async function restoreBackup(
  target: BackupTarget,
  verified: VerifiedArchive,
  opts: { user?: string } = {},
): Promise<RestoreResult> {
  // the secret settings (the SMTP password) are the server's: their table is left out of archives
  // and kept by the restore; an archive made before that table existed brings its own in `settings`
  const current = (await hasTable(target.sql, 'secrets'))
    ? await target.sql<{ key: string; value: unknown }[]>`select key, value from secrets`
    : []
  const result = await restoreArchive(target, verified, {
    recorded: (sql, { manifest, mismatches }) =>
      recordAudit(
        sql,
        { user: null, ip: 'local' },
        {
          action: 'backup_restore',
          entity: 'backup',
          username: opts.user ?? 'system',
          changes: { created_at: manifest.created_at, files: manifest.files.length, mismatches },
        },
      ),
  })
  if (!(await hasTable(target.sql, 'secrets')) && (await hasTable(target.sql, 'settings'))) {
    await keepSecretsInSettings(target, current)
  }
  return result
}

/** An older archive restored: its secrets replaced by the current ones (the next migration moves them). */
async function keepSecretsInSettings(
  target: BackupTarget,
  current: { key: string; value: unknown }[],
): Promise<void> {
  await target.sql.begin(async (tx) => {
    await tx`delete from settings where key = any(${settingKeys.filter(isSecret)})`
    for (const { key, value } of current) {
      await tx`insert into settings (key, value) values (${key}, ${tx.json(value as any)})`
    }
  })
}

/** Deletes archives older than the `backup_keep_days` setting (or `keepDays`). */
export async function applyRetention(target: BackupTarget, keepDays?: number): Promise<string[]> {
  return pruneBackups(target, keepDays ?? (await loadSettings(target.sql)).backup_keep_days)
}

/** The daily job: a backup, then retention. */
export async function scheduledBackup(ctx: JobContext): Promise<void> {
  const target = backupTarget(ctx)
  await createBackup(target, { kind: 'scheduled' })
  await applyRetention(target)
}

/** prepareDatabase's beforeMigrate hook: a backup of a database that already has a schema. */
export async function backupBeforeMigrate(target: BackupTarget): Promise<void> {
  const [{ n }] = await target.sql`
    select count(*)::int as n from pg_tables where schemaname = 'public'`
  if (n === 0) return
  await createBackup(target, { kind: 'pre_migration' })
}
