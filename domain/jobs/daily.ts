// The daily jobs the server runs through runtime/scheduler.ts, and the scheduler that records
// their runs in the audit log. Adding a job is one entry here:
// { name, hour: <number> or settingHour('<setting key>'), run: (ctx) => … }.
import type { Sql } from '../../runtime/db.ts'
import { Scheduler, type DailyJob, type SchedulerOptions } from '../../runtime/scheduler.ts'
import { scheduledBackup } from '../backup/backup.ts'
import { purgeEvents } from '../live/events.ts'
import { runRecallDigest } from '../notifications/digest.ts'
import { loadSettings, type SettingKey } from '../settings/registry.ts'
import { auditJournal } from './journal.ts'

/** A job hour kept in a setting, read at every tick (a change applies the same day). */
export const settingHour =
  (key: SettingKey) =>
  async (sql: Sql): Promise<number> =>
    Number((await loadSettings(sql))[key])

export const dailyJobs: DailyJob[] = [
  { name: 'backup', hour: settingHour('backup_hour'), run: (ctx) => scheduledBackup(ctx) },
  { name: 'recall-digest', hour: settingHour('notify_hour'), run: (ctx) => runRecallDigest(ctx) },
  // the live register's events older than 24 h (domain/live/events.ts)
  { name: 'change-events', hour: 4, run: (ctx) => purgeEvents(ctx.sql) },
]

/** A scheduler whose runs are audit_log entries (domain/jobs/journal.ts); no jobs registered. */
export const jobScheduler = (opts: Omit<SchedulerOptions, 'journal'>) =>
  new Scheduler({ ...opts, journal: auditJournal })
