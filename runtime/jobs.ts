// The daily jobs the server runs through runtime/scheduler.ts. Adding a job is one entry here:
// { name, hour: <number or setting key>, run: (ctx) => … }.
import { recallDigestJob } from '../functions/_shared/notifications.ts'
import { scheduledBackup } from './backup.ts'
import type { DailyJob } from './scheduler.ts'

export const dailyJobs: DailyJob[] = [
  { name: 'backup', hour: 'backup_hour', run: (ctx) => scheduledBackup(ctx) },
  recallDigestJob,
]
