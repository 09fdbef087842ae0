// The scheduler's journal (runtime/scheduler.ts): every run of a daily job is an audit_log entry
// (action 'job_run', entity 'job', entity_id = the job's name, user 'system', changes = {status,
// duration_ms, error}); "already ran today" is such an entry since the start of the local day.
import type { Sql } from '../../runtime/db.ts'
import type { JobJournal } from '../../runtime/scheduler.ts'
import { recordAudit } from '../audit/record.ts'

export const auditJournal: JobJournal = {
  async ranSince(sql: Sql, job: string, day: string) {
    const [ran] = await sql`
      select 1
      from audit_log
      where action = 'job_run'
        and entity = 'job'
        and entity_id = ${job}
        and at >= ${day}::date
      limit 1`
    return !!ran
  },
  async record(sql: Sql, job: string, run) {
    await recordAudit(
      sql,
      { user: null, ip: 'local' },
      { action: 'job_run', entity: 'job', entityId: job, username: 'system', changes: run },
    )
  },
}
