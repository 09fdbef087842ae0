// The history of backups as the admin sees it (the `backups` table, written by
// runtime/backup/archive.ts): a page of it, one row, the last finished one, an archive's file.
import type { Sql } from '../../runtime/db.ts'
import { pagedList } from '../paging.ts'

const columns = (sql: Sql) => sql`
  id, started_at, finished_at, kind, status, file_name, size_bytes, sha256, error, created_by_name`

export async function listBackups(sql: Sql, page: { limit: number; offset: number }) {
  return pagedList(sql, {
    columns: columns(sql),
    from: sql`backups`,
    orderBy: sql`started_at desc, id desc`,
    ...page,
  })
}

export async function backupRow(sql: Sql, id: number) {
  const [row] = await sql`select ${columns(sql)} from backups where id = ${id}`
  return row
}

/** The file name of a finished archive, or null. */
export async function archiveFileName(sql: Sql, id: number): Promise<string | null> {
  const [row] = await sql`select file_name from backups where id = ${id} and status = 'ok'`
  return row?.file_name ?? null
}

/** The last backup that finished (well or not), for the system monitor. */
export async function lastBackup(sql: Sql) {
  const [row] = await sql`
    select id, started_at, finished_at, kind, status, size_bytes, error
    from backups
    where status in ('ok', 'error')
    order by started_at desc
    limit 1`
  return row ?? null
}
