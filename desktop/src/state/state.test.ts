import { describe, expect, it } from 'vitest'
import { ColumnPrefs } from './columns.svelte.ts'
import { Edits, UNDO_DEPTH } from './edits.svelte.ts'
import { fakeApi, memoryStorage } from './fake-api.ts'
import { Register } from './register.svelte.ts'
import { Api } from '../lib/api.ts'
import { Session } from './session.svelte.ts'

const rowsOf = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    version: 1,
    equipment_name: `Прибор ${i + 1}`,
  }))

function registerServer(all = rowsOf(250)) {
  return fakeApi((method, url, body) => {
    if (method === 'GET' && url.pathname === '/api/equipment') {
      const limit = Number(url.searchParams.get('limit'))
      const offset = Number(url.searchParams.get('offset'))
      return { body: { items: all.slice(offset, offset + limit), total: all.length } }
    }
    const m = /^\/api\/equipment\/(\d+)$/.exec(url.pathname)
    if (m) {
      const row = all.find((r) => r.id === Number(m[1]))!
      if (method === 'GET') return { body: row }
      if (method === 'PATCH') {
        const patch = body as Record<string, unknown>
        if (patch.version !== row.version)
          return {
            status: 409,
            body: {
              error: 'Запись изменена другим пользователем',
              current: row,
              changed_by: 'Иванова А. П.',
              changed_at: '2026-11-29T10:15:00Z',
            },
          }
        if (patch.equipment_name === '')
          return {
            status: 400,
            body: {
              error: 'Проверьте поля',
              fields: [{ field: 'equipment_name', message: 'Обязательное поле' }],
            },
          }
        Object.assign(row, patch, { version: row.version + 1 })
        return { body: row }
      }
    }
    return undefined
  })
}

describe('Register', () => {
  it('knows the total at once and loads only the pages asked for', async () => {
    const { api, calls } = registerServer()
    const reg = new Register(api)
    reg.q = 'манометр  '
    reg.filters.status = ['status_expired', 'status_expiring']
    await reg.reload()
    expect(reg.total).toBe(250)
    expect(reg.rows).toHaveLength(250)
    expect(reg.isLoaded(99)).toBe(true)
    expect(reg.isLoaded(100)).toBe(false)
    const q = calls[0].url.searchParams
    expect(q.get('q')).toBe('манометр')
    expect(q.get('status')).toBe('status_expired,status_expiring')
    expect(q.get('limit')).toBe('100')
    expect(q.get('offset')).toBe('0')
    expect(q.has('department')).toBe(false)

    await Promise.all([reg.ensure(180, 230), reg.ensure(190, 240)])
    expect(calls.map((c) => c.url.searchParams.get('offset'))).toEqual(['0', '100', '200'])
    expect(reg.rows[249].equipment_name).toBe('Прибор 250')
  })

  it('drops answers of a superseded query', async () => {
    const { api } = registerServer()
    const reg = new Register(api)
    const first = reg.reload()
    reg.q = 'другое'
    const second = reg.reload()
    await Promise.all([first, second])
    expect(reg.total).toBe(250)
    expect(reg.loading).toBe(false)
  })

  it('a fast scroll cancels the pages scrolled past and loads only the visible ones', async () => {
    // a server that answers only when told: the pages asked for pile up as they would behind
    // the browser's six connections
    const TOTAL = 100_000
    const waiting = new Map<number, () => void>()
    const aborted: number[] = []
    const fetcher = ((input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(String(input))
      const offset = Number(url.searchParams.get('offset'))
      const limit = Number(url.searchParams.get('limit'))
      const body = () =>
        new Response(
          JSON.stringify({
            total: TOTAL,
            items: Array.from({ length: limit }, (_, k) => ({ id: offset + k + 1 })),
          }),
          { headers: { 'content-type': 'application/json' } },
        )
      if (offset === 0) return Promise.resolve(body())
      return new Promise<Response>((resolve, reject) => {
        waiting.set(offset / limit, () => resolve(body()))
        init?.signal?.addEventListener('abort', () => {
          aborted.push(offset / limit)
          waiting.delete(offset / limit)
          reject(new DOMException('aborted', 'AbortError'))
        })
      })
    }) as typeof fetch
    const api = new Api('http://server.test:8000', fetcher)
    let offline = false
    api.onReachable = (ok) => void (ok || (offline = true))
    const reg = new Register(api)
    await reg.reload()
    // the scrollbar dragged from the top to the end: the grid asks for the rows at each stop
    for (let row = 1_000; row < TOTAL; row += 1_000) void reg.show(row - 60, row + 80)
    const end = reg.show(TOTAL - 80, TOTAL)
    // only the pages of the last stop are still asked for; every other request was cancelled
    expect([...waiting.keys()].sort((a, b) => a - b)).toEqual([999])
    expect(aborted.length).toBeGreaterThan(90)
    waiting.get(999)!()
    await end
    expect(reg.isLoaded(TOTAL - 1)).toBe(true)
    expect(reg.isLoaded(50_000)).toBe(false)
    expect(reg.error).toBeNull()
    expect(offline).toBe(false)
  })

  it('sorts on the server', async () => {
    const { api, calls } = registerServer()
    const reg = new Register(api)
    await reg.setSort('verification_due', 'desc')
    expect(calls.at(-1)!.url.searchParams.get('sort')).toBe('verification_due')
    expect(calls.at(-1)!.url.searchParams.get('order')).toBe('desc')
  })
})

describe('Edits', () => {
  it('saves with the version, and undoes the last edits in order', async () => {
    const { api, calls } = registerServer(rowsOf(3))
    const reg = new Register(api)
    await reg.reload()
    const edits = new Edits(api, reg)
    expect(await edits.save([{ id: 2, field: 'equipment_name', value: 'Манометр' }])).toBe(true)
    expect(calls.at(-1)!.body).toEqual({ version: 1, equipment_name: 'Манометр' })
    expect(reg.byId(2)!.equipment_name).toBe('Манометр')
    expect(reg.byId(2)!.version).toBe(2)
    await edits.save([
      { id: 1, field: 'equipment_name', value: 'А' },
      { id: 2, field: 'equipment_name', value: 'Б' },
    ])
    expect(edits.undoStack).toHaveLength(2)
    await edits.undo()
    expect(reg.byId(1)!.equipment_name).toBe('Прибор 1')
    expect(reg.byId(2)!.equipment_name).toBe('Манометр')
    await edits.undo()
    expect(reg.byId(2)!.equipment_name).toBe('Прибор 2')
    expect(edits.canUndo).toBe(false)
    expect(await edits.undo()).toBe(false)
  })

  it('two quick Ctrl+Z in a row: the second waits for the first and sends its new version', async () => {
    const { api, calls } = registerServer(rowsOf(1))
    const reg = new Register(api)
    await reg.reload()
    const edits = new Edits(api, reg)
    await edits.save([{ id: 1, field: 'equipment_name', value: 'А' }])
    await edits.save([{ id: 1, field: 'equipment_name', value: 'Б' }])
    // both undos started without waiting, as two key presses would
    const [first, second] = await Promise.all([edits.undo(), edits.undo()])
    expect([first, second]).toEqual([true, true])
    expect(reg.byId(1)!.equipment_name).toBe('Прибор 1')
    const patches = calls.filter((c) => c.method === 'PATCH').map((c) => c.body)
    expect(patches.slice(-2)).toEqual([
      { version: 3, equipment_name: 'А' },
      { version: 4, equipment_name: 'Прибор 1' },
    ])
  })

  it('keeps only the last 10 edits', async () => {
    const { api } = registerServer(rowsOf(1))
    const reg = new Register(api)
    await reg.reload()
    const edits = new Edits(api, reg)
    for (let i = 0; i < 12; i++)
      await edits.save([{ id: 1, field: 'equipment_name', value: `v${i}` }])
    expect(edits.undoStack).toHaveLength(UNDO_DEPTH)
    for (let i = 0; i < UNDO_DEPTH; i++) await edits.undo()
    expect(reg.byId(1)!.equipment_name).toBe('v1')
  })

  it('reports a conflict with who changed the record and reloads the row', async () => {
    const all = rowsOf(1)
    const { api } = registerServer(all)
    const reg = new Register(api)
    await reg.reload()
    all[0].version = 5 // someone else saved meanwhile
    all[0].equipment_name = 'Чужая правка'
    const edits = new Edits(api, reg)
    expect(await edits.save([{ id: 1, field: 'equipment_name', value: 'Моя' }])).toBe(false)
    expect(edits.notice?.kind).toBe('conflict')
    expect(edits.notice?.text).toContain('Иванова А. П.')
    expect(reg.byId(1)!.equipment_name).toBe('Чужая правка')
    expect(reg.byId(1)!.version).toBe(5)
    expect(edits.canUndo).toBe(false)
  })

  it('shows the server field errors with the field named, and marks the refused cell', async () => {
    const { api } = registerServer(rowsOf(1))
    const reg = new Register(api)
    await reg.reload()
    const edits = new Edits(api, reg)
    expect(await edits.save([{ id: 1, field: 'equipment_name', value: '' }])).toBe(false)
    expect(edits.notice).toEqual({
      kind: 'error',
      text: 'Проверьте поля: «Наименование»: Обязательное поле',
    })
    expect([...edits.invalid]).toEqual([['1:equipment_name', 'Обязательное поле']])
    // a good value clears the mark
    expect(await edits.save([{ id: 1, field: 'equipment_name', value: 'Манометр' }])).toBe(true)
    expect(edits.invalid.size).toBe(0)
  })
})

describe('Session', () => {
  const user = { id: 1, username: 'admin', full_name: 'Админ', department: null, role: 'admin' }
  const server = (status: number, error?: string, reason?: string) =>
    fakeApi((method, url) => {
      if (url.pathname === '/api/auth/login')
        return status === 200
          ? { body: { token: 't1', user } }
          : { status, body: { error, reason } }
      if (url.pathname === '/api/auth/me') return { body: user }
      if (url.pathname === '/api/auth/logout') return { body: { ok: true } }
      return undefined
    })

  it('logs in, keeps the session for the same server, logs out', async () => {
    const { api } = server(200)
    const storage = memoryStorage()
    const s = new Session(api, storage)
    expect(await s.login(' admin ', 'pw')).toBe(null)
    expect(s.user?.username).toBe('admin')
    expect(api.token).toBe('t1')
    const again = new Session(server(200).api, storage)
    expect(again.user?.username).toBe('admin')
    expect(await again.verify()).toBe(true)
    await again.logout()
    expect(again.user).toBe(null)
    expect(storage.map.size).toBe(0)
  })

  it('signs in through Windows with credentials; not by itself after a logout', async () => {
    const { Api } = await import('../lib/api.ts')
    let credentials: RequestCredentials | undefined
    let refuse = false
    const answer = (body: unknown, status = 200) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      })
    const api = new Api('http://server.test:8000', (async (
      input: RequestInfo | URL,
      init?: RequestInit,
    ) => {
      const path = new URL(String(input)).pathname
      if (path === '/api/auth/negotiate' && init?.method === 'POST') {
        credentials = init.credentials
        return refuse
          ? answer({ error: 'Требуется вход через Windows (Kerberos)' }, 401)
          : answer({ token: 'k1', user })
      }
      if (path === '/api/auth/negotiate') return answer({ available: true, message: null })
      return answer({ ok: true })
    }) as typeof fetch)
    const s = new Session(api, memoryStorage())
    expect(await s.windowsSignIn()).toEqual({ available: true, message: null })
    expect(s.autoWindows).toBe(true)
    expect(await s.loginWindows()).toBe(null)
    expect(credentials).toBe('include')
    expect(api.token).toBe('k1')
    await s.logout()
    expect(s.autoWindows).toBe(false)
    refuse = true
    expect(await s.loginWindows()).toMatch(/^Windows не подтвердил вход/)
  })

  it('answers in Russian for wrong password, lockout, rate limit and no server', async () => {
    expect(await new Session(server(401, 'x').api, memoryStorage()).login('a', 'b')).toBe(
      'Неверный логин или пароль',
    )
    // the Windows domain's refusal names its reason
    expect(
      await new Session(
        server(401, 'Учётная запись Windows отключена', 'disabled').api,
        memoryStorage(),
      ).login('CORP\\a', 'b'),
    ).toBe('Учётная запись Windows отключена')
    expect(
      await new Session(
        server(423, 'Учётная запись заблокирована до 12:30').api,
        memoryStorage(),
      ).login('a', 'b'),
    ).toBe('Учётная запись заблокирована до 12:30')
    expect(await new Session(server(429).api, memoryStorage()).login('a', 'b')).toContain(
      'Слишком много',
    )
    const { Api } = await import('../lib/api.ts')
    const offline = new Api('http://nowhere:8000', (() =>
      Promise.reject(new TypeError('fail'))) as typeof fetch)
    expect(await new Session(offline, memoryStorage()).login('a', 'b')).toContain(
      'Сервер недоступен',
    )
    expect(await new Session(offline, memoryStorage()).login('', 'b')).toBe('Введите логин')
  })
})

describe('ColumnPrefs', () => {
  it('keeps choices per user and never offers finance to a laborant', () => {
    const storage = memoryStorage()
    const admin = new ColumnPrefs(storage, 'admin', 'admin')
    admin.toggle('equipment_specs')
    admin.setSection('finance', true)
    expect(new ColumnPrefs(storage, 'admin', 'admin').isVisible('total_cost')).toBe(true)
    expect(new ColumnPrefs(storage, 'admin', 'admin').isVisible('equipment_specs')).toBe(true)
    const other = new ColumnPrefs(storage, 'petrov', 'admin')
    expect(other.isVisible('equipment_specs')).toBe(false)
    storage.setItem('deltica.columns.lab', JSON.stringify(['equipment_name', 'total_cost']))
    const lab = new ColumnPrefs(storage, 'lab', 'laborant')
    expect(lab.visible).toEqual(['equipment_name'])
    expect(lab.bySection.map((s) => s.label)).toEqual([
      'Оборудование',
      'Верификация',
      'Ответственность',
    ])
    lab.toggle('equipment_name') // the last column stays
    expect(lab.visible).toEqual(['equipment_name'])
  })

  it('keeps the order and widths with the choice; «Сбросить» returns to the defaults', () => {
    const storage = memoryStorage()
    const prefs = new ColumnPrefs(storage, 'admin', 'admin')
    const name = prefs.available.find((f) => f.key === 'equipment_name')!
    expect(prefs.widthOf(name)).toBe(190)
    expect(prefs.fields.map((f) => f.key).indexOf('status')).toBe(2)
    prefs.setWidth('equipment_name', 333.4)
    prefs.setOrder(['verification_due', 'equipment_name', 'status'])
    const again = new ColumnPrefs(storage, 'admin', 'admin')
    expect(again.widthOf(name)).toBe(333)
    expect(again.fields.map((f) => f.key).slice(0, 3)).toEqual([
      'verification_due',
      'equipment_name',
      'status',
    ])
    // the older stored form (the visible keys alone) still reads
    storage.setItem('deltica.columns.old', JSON.stringify(['equipment_name']))
    expect(new ColumnPrefs(storage, 'old', 'admin').visible).toEqual(['equipment_name'])
    again.reset()
    const fresh = new ColumnPrefs(storage, 'admin', 'admin')
    expect(fresh.widthOf(name)).toBe(190)
    expect(fresh.order).toEqual([])
  })
})
