// Health of the server and its database.
//   GET /api/health — anyone: {status, db, version}; 503 when the database does not answer
import { endpoint } from '../runtime/endpoint.ts'
import { json } from '../runtime/errors.ts'

const api = endpoint(import.meta.url)

const DB_TIMEOUT_MS = 2000

/** Round-trip time of `select 1` in ms, or null when the database does not answer in time. */
export async function pingDatabase(sql: import('../runtime/db.ts').Sql): Promise<number | null> {
  const started = performance.now()
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      sql`select 1`,
      new Promise(
        (_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), DB_TIMEOUT_MS)),
      ),
    ])
    return performance.now() - started
  } catch {
    return null
  } finally {
    clearTimeout(timer)
  }
}

api.get('/', { auth: 'public', summary: 'Состояние сервера и базы данных' }, async (_req, env) => {
  const latency = await pingDatabase(env.sql)
  const body = {
    status: latency === null ? 'error' : 'ok',
    db: latency === null ? 'unavailable' : 'ok',
    version: env.config.version,
  }
  return json(body, latency === null ? 503 : 200)
})

export default api
