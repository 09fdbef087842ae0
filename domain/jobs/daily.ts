// The daily jobs the server runs through runtime/scheduler.ts. Adding a job is one entry here:
// { name, hour: <number or setting key>, run: (ctx) => … }.
import { recallDigestJob } from '../notifications/digest.ts'
import { scheduledBackup } from '../../runtime/backup.ts'
import type { DailyJob } from '../../runtime/scheduler.ts'

export const dailyJobs: DailyJob[] = [
  { name: 'backup', hour: 'backup_hour', run: (ctx) => scheduledBackup(ctx) },
  recallDigestJob,
]
