import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { request as httpsRequest } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { harness, testConfig, type Harness } from '../test/app.ts'
import { createApp } from './app.ts'
import { createLogger } from './log.ts'
import { listen } from './server.ts'
import { writeFileSync } from 'node:fs'

let h: Harness
beforeAll(async () => {
  h = await harness()
})
afterAll(() => h.close())

describe('server', () => {
  it('serves HTTPS when certificate files are given (self-signed)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deltica-tls-'))
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=localhost',
        '-days',
        '1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    )
    const tls = { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') }
    const app = await createApp({
      sql: h.sql,
      config: testConfig({ tls }),
      log: createLogger({ level: 'error' }),
    })
    const server = await listen(app, { host: '127.0.0.1', port: 0, tls })
    try {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
      const { status, body, hsts } = await new Promise<{
        status: number
        body: string
        hsts: string | undefined
      }>((resolve, reject) => {
        const req = httpsRequest(
          `${server.url}/api/health`,
          { rejectUnauthorized: false },
          (res) => {
            let data = ''
            res.on('data', (c) => (data += c))
            res.on('end', () =>
              resolve({
                status: res.statusCode!,
                body: data,
                hsts: res.headers['strict-transport-security'] as string,
              }),
            )
          },
        )
        req.on('error', reject)
        req.end()
      })
      expect(status).toBe(200)
      expect(JSON.parse(body).status).toBe('ok')
      expect(hsts).toContain('max-age')
    } finally {
      await server.close(1000)
    }
  })

  it('graceful close lets an in-flight request finish and refuses new connections', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deltica-fn-'))
    const endpointModule = new URL('./endpoint.ts', import.meta.url).href
    writeFileSync(
      join(dir, 'slow.ts'),
      `import { endpoint } from '${endpointModule}'
      const api = endpoint(import.meta.url)
      api.get('/', { auth: 'public', summary: 'x' }, async () => { await new Promise((r) => setTimeout(r, 500)); return { done: true } })
      export default api`,
    )
    const app = await createApp({
      sql: h.sql,
      config: testConfig(),
      log: createLogger({ level: 'error' }),
      functionsDir: dir,
    })
    const server = await listen(app, { host: '127.0.0.1', port: 0, tls: null })
    const inflight = fetch(`${server.url}/api/slow`).then(async (r) => ({
      status: r.status,
      body: await r.json(),
    }))
    await new Promise((r) => setTimeout(r, 100))
    const closed = server.close(5000)
    await new Promise((r) => setTimeout(r, 50))
    await expect(fetch(`${server.url}/api/slow`)).rejects.toThrow()
    expect(await inflight).toEqual({ status: 200, body: { done: true } })
    await closed
  })
})
