// Backups (admins): the history, a backup on demand, downloads. The archive format and restore
// live in runtime/backup/, the audited backup and the daily job in domain/backup/ (restore is a
// command-line step: `npm run restore`).
//   GET  /api/backup?limit=&offset=    {items:[{id, started_at, finished_at, kind, status, file_name,
//                                      size_bytes, sha256, error, created_by_name}], total, keep_days, hour}
//   POST /api/backup                   run a backup now → the history row (409 when one is running)
//   GET  /api/backup/:id/download      the archive (application/x-tar)
import { z } from 'zod'
import { applyRetention, createBackup } from '../domain/backup/backup.ts'
import { archiveFileName, backupRow, listBackups } from '../domain/backup/history.ts'
import { BackupView, IdParams, PageOf, Paging, Timestamp } from '../domain/schemas.ts'
import { settingsOf } from '../domain/settings/registry.ts'
import { BackupBusyError, backupTarget } from '../runtime/backup/target.ts'
import { endpoint } from '../runtime/endpoint.ts'
import { conflict, HttpError, notFound } from '../runtime/errors.ts'

const api = endpoint(import.meta.url)

api.get(
  '/',
  {
    auth: 'admin',
    summary: 'Резервные копии: история',
    query: z.object(Paging),
    response: PageOf(BackupView).extend({ keep_days: z.number(), hour: z.number() }),
  },
  async (_req, env, { query }) => {
    const [page, settings] = await Promise.all([listBackups(env.sql, query), settingsOf(env)])
    return { ...page, keep_days: settings.backup_keep_days, hour: settings.backup_hour }
  },
)

api.post(
  '/',
  {
    auth: 'admin',
    summary: 'Создать резервную копию сейчас',
    status: 201,
    response: BackupView.extend({ duration_ms: z.number() }),
  },
  async (_req, env) => {
    const target = backupTarget(env)
    let result
    try {
      result = await createBackup(target, { kind: 'manual', user: env.user, ip: env.ip })
    } catch (error) {
      if (error instanceof BackupBusyError) throw conflict(error.message)
      // the reason (which may name paths and programs) is kept in the history row for the admin
      throw new HttpError(500, 'Резервная копия не создана: причина записана в истории копий')
    }
    await applyRetention(target, (await settingsOf(env)).backup_keep_days)
    return { ...(await backupRow(env.sql, result.id!)), duration_ms: result.duration_ms }
  },
)

api.get(
  '/:id/download',
  {
    auth: 'admin',
    summary: 'Скачать архив резервной копии',
    params: IdParams,
    produces: 'application/x-tar',
  },
  async (_req, env, { params }) => {
    const fileName = await archiveFileName(env.sql, params.id)
    if (!fileName) throw notFound('Резервная копия не найдена')
    const response = await env.files.sendBackup(fileName)
    if (!response) throw notFound('Файл резервной копии удалён с диска')
    return response
  },
)

export default api
