import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { harness, type Harness } from '../test/app.ts'
import { serverUrl } from '../test/db.ts'
import { backupsDir } from '../runtime/backup/target.ts'
import { BUSY, LOCKS, tryLock } from '../runtime/locks.ts'

let h: Harness
let admin: string
const services: Record<string, unknown> = {}
beforeAll(async () => {
  h = await harness({ services })
  services.database = { kind: h.db.kind, url: h.db.url }
  await h.makeUser({ username: 'boss', role: 'admin' })
  await h.makeUser({ username: 'lab', role: 'laborant' })
  admin = await h.login('boss')
})
afterAll(() => h.close())

describe('backup API', () => {
  it('creates a backup on demand, lists it with who made it, and downloads the same bytes', async () => {
    const res = await h.call('POST', '/api/backup', { token: admin })
    expect(res.status).toBe(201)
    const row = await res.json()
    expect(row).toMatchObject({ kind: 'manual', status: 'ok', created_by_name: 'boss' })
    expect(row.size_bytes).toBeGreaterThan(0)

    const list = await (await h.call('GET', '/api/backup', { token: admin })).json()
    expect(list).toMatchObject({ total: 1, keep_days: 30, hour: 2 })
    expect(list.items[0].id).toBe(row.id)

    const dl = await h.call('GET', `/api/backup/${row.id}/download`, { token: admin })
    expect(dl.status).toBe(200)
    expect(dl.headers.get('content-type')).toBe('application/x-tar')
    const bytes = Buffer.from(await dl.arrayBuffer())
    expect(bytes.equals(readFileSync(join(backupsDir(h.config.dataDir), row.file_name)))).toBe(true)

    const [audit] = await h.sql`select username from audit_log where action = 'backup_create'`
    expect(audit.username).toBe('boss')
  })

  // the embedded engine is one session for every connection: its advisory locks do not exclude
  it.runIf(serverUrl)(
    '409 while another backup or restore holds the lock, no history row left running',
    async () => {
      const res = await tryLock(h.sql, LOCKS.backup, () =>
        h.call('POST', '/api/backup', { token: admin }),
      )
      if (res === BUSY) throw new Error('the lock was taken')
      expect(res.status).toBe(409)
      expect(await res.json()).toEqual({
        error: 'Резервное копирование или восстановление уже выполняется',
      })
      expect(await h.sql`select id from backups where status = 'running'`).toEqual([])
    },
  )

  it('404 for an unknown backup; admins only', async () => {
    expect((await h.call('GET', '/api/backup/999/download', { token: admin })).status).toBe(404)
    const lab = await h.login('lab')
    expect((await h.call('POST', '/api/backup', { token: lab })).status).toBe(403)
    expect((await h.call('GET', '/api/backup', { token: lab })).status).toBe(403)
  })
})
