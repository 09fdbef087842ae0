import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { harness, testConfig, type Harness } from '../test/app.ts'
import { createApp, functionFiles } from './app.ts'
import { checkResponses, type ResponseViolation } from './endpoint.ts'
import { createLogger } from './log.ts'

let h: Harness
beforeAll(async () => {
  h = await harness()
})
afterAll(() => h.close())

describe('discovery', () => {
  it('mounts every functions/*.ts except tests', () => {
    const files = functionFiles()
    expect(files).toContain('health.ts')
    expect(files.some((f) => f.startsWith('_') || f.endsWith('.test.ts'))).toBe(false)
    expect([...h.app.endpoints.keys()].sort()).toEqual(files.map((f) => f.replace(/\.ts$/, '')))
  })

  it('route table snapshot (every new endpoint shows up here in review)', () => {
    const table = h.app.routes.map((r) => `${r.method.padEnd(6)} ${r.path.padEnd(48)} ${r.auth}`)
    expect(table.join('\n')).toMatchSnapshot()
  })

  it('every JSON route declares its response schema (checked against its answers in every test)', () => {
    const missing = h.app.routes
      .filter((r) => r.status !== 204 && r.produces === 'application/json' && !r.response)
      .map((r) => `${r.method} ${r.path}`)
    expect(
      missing,
      'these routes need `response: <zod schema>` in their spec (runtime/endpoint.ts)',
    ).toEqual([])
  })

  it('an answer that does not match its declared status or schema is reported, naming the route', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deltica-fn-'))
    const endpointModule = new URL('./endpoint.ts', import.meta.url).href
    writeFileSync(
      join(dir, 'gizmos.ts'),
      `import { z } from 'zod'
       import { endpoint } from '${endpointModule}'
       const api = endpoint(import.meta.url)
       const Gizmo = z.object({ id: z.number() })
       api.get('/good', { auth: 'public', summary: 'x', response: Gizmo }, () => ({ id: 1 }))
       api.get('/bad', { auth: 'public', summary: 'x', response: Gizmo }, () => ({ id: 'один' }))
       api.post('/made', { auth: 'public', summary: 'x', status: 201, response: Gizmo }, () => ({ id: 2 }))
       api.post('/wrong', { auth: 'public', summary: 'x', response: Gizmo }, () => new Response('{"id":4}', { status: 202, headers: { 'content-type': 'application/json' } }))
       api.delete('/gone', { auth: 'public', summary: 'x', status: 204 }, () => ({ id: 3 }))
       export default api`,
    )
    const seen: ResponseViolation[] = []
    const harnessCheck = checkResponses((v) => seen.push(v))
    try {
      const app = await createApp({
        sql: h.sql,
        config: testConfig(),
        log: createLogger({ sink: () => {} }),
        functionsDir: dir,
      })
      expect((await app.fetch(new Request('http://x/api/gizmos/good'))).status).toBe(200)
      expect((await app.fetch(new Request('http://x/api/gizmos/bad'))).status).toBe(200)
      const made = await app.fetch(new Request('http://x/api/gizmos/made', { method: 'POST' }))
      expect(made.status).toBe(201)
      await app.fetch(new Request('http://x/api/gizmos/wrong', { method: 'POST' }))
      const gone = await app.fetch(new Request('http://x/api/gizmos/gone', { method: 'DELETE' }))
      expect(gone.status).toBe(204)
      expect(await gone.text()).toBe('')
    } finally {
      checkResponses(harnessCheck)
    }
    expect(seen).toEqual([
      { route: 'GET /api/gizmos/bad', problem: expect.stringContaining('id') },
      { route: 'POST /api/gizmos/wrong', problem: 'status 202, declared 200' },
    ])
  })

  it('operation ids are unique', () => {
    const ids = h.app.routes.map((r) => r.operationId)
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([])
  })

  it('a file dropped into the functions folder is served at /api/<file name>', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deltica-fn-'))
    const endpointModule = new URL('./endpoint.ts', import.meta.url).href
    writeFileSync(
      join(dir, 'widgets.ts'),
      `import { endpoint } from '${endpointModule}'
       const api = endpoint(import.meta.url)
       api.get('/ping', { auth: 'public', summary: 'x' }, () => ({ pong: true }))
       api.get('/boom', { auth: 'public', summary: 'x' }, () => { throw new Error('secret internal detail /etc/passwd') })
       export default api`,
    )
    writeFileSync(join(dir, '_helper.ts'), 'export const x = 1')
    writeFileSync(join(dir, 'widgets.test.ts'), 'throw new Error("must not be imported")')
    const lines: string[] = []
    const app = await createApp({
      sql: h.sql,
      config: testConfig(),
      log: createLogger({ sink: (l) => lines.push(l) }),
      functionsDir: dir,
    })
    expect([...app.endpoints.keys()]).toEqual(['widgets'])
    const ok = await app.fetch(new Request('http://x/api/widgets/ping'))
    expect(await ok.json()).toEqual({ pong: true })

    const boom = await app.fetch(new Request('http://x/api/widgets/boom'))
    expect(boom.status).toBe(500)
    const body = await boom.json()
    expect(body.error).toBe('Внутренняя ошибка сервера')
    expect(JSON.stringify(body)).not.toContain('secret')
    const logged = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'unhandled error')
    expect(logged.request_id).toBe(body.request_id)
    expect(logged.error).toContain('secret internal detail')
  })
})

describe('request handling', () => {
  it('unknown routes are 404 in Russian', async () => {
    const res = await h.call('GET', '/api/no-such-thing')
    expect(res.status).toBe(404)
    expect((await res.json()).error).toBe('Адрес не найден')
    expect((await h.call('GET', '/api/health/nope')).status).toBe(404)
  })

  it('invalid JSON, non-UTF-8 and oversized bodies are 400/400/413', async () => {
    const bad = await h.call('POST', '/api/auth/login', {
      raw: '{"username":',
      headers: { 'content-type': 'application/json' },
    })
    expect(bad.status).toBe(400)
    const latin1 = await h.call('POST', '/api/auth/login', {
      raw: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    })
    expect(latin1.status).toBe(400)
    expect((await latin1.json()).error).toMatch(/UTF-8/)
    const huge = await h.call('POST', '/api/auth/login', {
      raw: JSON.stringify({ username: 'a'.repeat(2_000_000), password: 'x' }),
    })
    expect(huge.status).toBe(413)
  })

  it('validation errors name the field in Russian', async () => {
    const res = await h.call('POST', '/api/auth/login', { body: { username: '' } })
    expect(res.status).toBe(400)
    const body = await res.json()
    expect(body.fields).toEqual(
      expect.arrayContaining([
        { field: 'username', message: 'Введите логин' },
        { field: 'password', message: 'Обязательное поле' },
      ]),
    )
  })

  it('logs one JSON line per request with id, user, method, path, status, duration', async () => {
    h.logs.length = 0
    await h.call('GET', '/api/health')
    const line = JSON.parse(h.logs.find((l) => l.includes('"request"'))!)
    expect(line).toMatchObject({
      msg: 'request',
      method: 'GET',
      path: '/api/health',
      status: 200,
      user: null,
    })
    expect(line.request_id).toMatch(/^[0-9a-f-]{36}$/)
    expect(typeof line.duration_ms).toBe('number')
  })

  it('CORS: allowed origins get headers and preflight, others get nothing', async () => {
    const pre = await h.call('OPTIONS', '/api/equipment', {
      headers: { origin: 'app://deltica', 'access-control-request-method': 'GET' },
    })
    expect(pre.status).toBe(204)
    expect(pre.headers.get('access-control-allow-origin')).toBe('app://deltica')
    expect(pre.headers.get('access-control-allow-headers')).toContain('authorization')
    const ok = await h.call('GET', '/api/health', { headers: { origin: 'app://deltica' } })
    expect(ok.headers.get('access-control-allow-origin')).toBe('app://deltica')
    const evil = await h.call('GET', '/api/health', { headers: { origin: 'http://evil.example' } })
    expect(evil.headers.get('access-control-allow-origin')).toBeNull()
    const evilPre = await h.call('OPTIONS', '/api/health', {
      headers: { origin: 'http://evil.example' },
    })
    expect(evilPre.status).toBe(403)
  })

  it('security headers on every response', async () => {
    const res = await h.call('GET', '/api/health')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('x-frame-options')).toBe('DENY')
  })

  it('health answers ok with the version', async () => {
    const res = await h.call('GET', '/api/health')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok', db: 'ok', version: '0.0.0-test' })
  })
})
