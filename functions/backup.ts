// Backups (admins): the history, a backup on demand, downloads. The archive format, the daily job
// and restore live in runtime/backup.ts (restore is a command-line step: `npm run restore`).
//   GET  /api/backup?limit=&offset=    {items:[{id, started_at, finished_at, kind, status, file_name,
//                                      size_bytes, sha256, error, created_by_name}], total, keep_days, hour}
//   POST /api/backup                   run a backup now → the history row (409 when one is running)
//   GET  /api/backup/:id/download      the archive (application/x-tar)
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { Response } from '@whatwg-node/server'
import { z } from 'zod'
import {
  BackupError,
  backupsDir,
  backupTarget,
  createBackup,
  pruneBackups,
} from '../runtime/backup.ts'
import { endpoint, type Env } from '../runtime/endpoint.ts'
import { conflict, HttpError, json, notFound } from '../runtime/errors.ts'
import { IdParams, Paging } from '../domain/schemas.ts'
import { settingsOf } from '../domain/settings/registry.ts'

const api = endpoint(import.meta.url)

const columns = (sql: Env['sql']) => sql`
  id, started_at, finished_at, kind, status, file_name, size_bytes, sha256, error, created_by_name`

api.get(
  '/',
  { auth: 'admin', summary: 'Резервные копии: история', query: z.object(Paging) },
  async (_req, env, { query }) => {
    const [items, [{ total }], settings] = await Promise.all([
      env.sql`
        select ${columns(env.sql)}
        from backups
        order by started_at desc, id desc
        limit ${query.limit}
        offset ${query.offset}`,
      env.sql`select count(*)::int as total from backups`,
      settingsOf(env),
    ])
    return { items, total, keep_days: settings.backup_keep_days, hour: settings.backup_hour }
  },
)

api.post('/', { auth: 'admin', summary: 'Создать резервную копию сейчас' }, async (_req, env) => {
  const target = backupTarget(env)
  let result
  try {
    result = await createBackup(target, { kind: 'manual', user: env.user, ip: env.ip })
  } catch (error) {
    if (error instanceof BackupError && /уже выполняется/.test(error.message)) {
      throw conflict(error.message)
    }
    // the reason (which may name paths and programs) is kept in the history row for the admin
    throw new HttpError(500, 'Резервная копия не создана: причина записана в истории копий')
  }
  await pruneBackups(target, (await settingsOf(env)).backup_keep_days)
  const [row] = await env.sql`select ${columns(env.sql)} from backups where id = ${result.id}`
  return json({ ...row, duration_ms: result.duration_ms }, 201)
})

api.get(
  '/:id/download',
  {
    auth: 'admin',
    summary: 'Скачать архив резервной копии',
    params: IdParams,
    produces: 'application/x-tar',
  },
  async (_req, env, { params }) => {
    const [row] = await env.sql`
      select file_name from backups where id = ${params.id} and status = 'ok'`
    if (!row?.file_name) throw notFound('Резервная копия не найдена')
    const file = join(backupsDir(env.config.dataDir), row.file_name)
    let size: number
    try {
      size = (await stat(file)).size
    } catch {
      throw notFound('Файл резервной копии удалён с диска')
    }
    return new Response(Readable.toWeb(createReadStream(file)) as ReadableStream, {
      headers: {
        'content-type': 'application/x-tar',
        'content-length': String(size),
        'content-disposition': `attachment; filename="${row.file_name}"`,
      },
    })
  },
)

export default api
