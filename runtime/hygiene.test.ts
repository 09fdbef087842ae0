// HTTP hygiene: a wrong method is 405 with Allow, HEAD answers wherever GET does, API responses
// are not cached, 409 bodies name no constraint, and a client that goes away mid-request is not
// logged as a database failure.
import { connect } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { harness, type Harness } from '../test/app.ts'
import { listen, type Listening } from './server.ts'

let h: Harness
let admin: string
let server: Listening
beforeAll(async () => {
  h = await harness()
  await h.makeUser({ username: 'hyg_admin', role: 'admin' })
  admin = await h.login('hyg_admin')
  server = await listen(h.app, { host: '127.0.0.1', port: 0, tls: null })
})
afterAll(async () => {
  await server.close(1000)
  await h.close()
})

it('a wrong method is 405 with Allow, not 404; an unknown path stays 404', async () => {
  const res = await h.call('DELETE', '/api/health')
  expect(res.status).toBe(405)
  expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS')
  expect((await res.json()).error).toMatch(/метод/i)
  const put = await h.call('PUT', '/api/departments/gtl', { token: admin, body: {} })
  expect(put.status).toBe(405)
  expect(put.headers.get('allow')).toContain('PATCH')
  expect((await h.call('GET', '/api/no-such-thing')).status).toBe(404)
  expect((await h.call('GET', '/api/departments/gtl/nothing')).status).toBe(404)
})

it('HEAD answers wherever GET does, without a body', async () => {
  const get = await fetch(`${server.url}/api/departments`, {
    headers: { authorization: `Bearer ${admin}` },
  })
  const head = await fetch(`${server.url}/api/departments`, {
    method: 'HEAD',
    headers: { authorization: `Bearer ${admin}` },
  })
  expect(head.status).toBe(200)
  expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'))
  expect(await head.text()).toBe('')
  const hh = await fetch(`${server.url}/api/health`, { method: 'HEAD' })
  expect(hh.status).toBe(200)
  expect(await hh.text()).toBe('')
  const anonymous = await fetch(`${server.url}/api/departments`, { method: 'HEAD' })
  expect(anonymous.status).toBe(401)
})

it('API responses are not cached', async () => {
  const res = await h.call('GET', '/api/departments', { token: admin })
  expect(res.headers.get('cache-control')).toBe('no-store')
  const error = await h.call('GET', '/api/equipment/999999', { token: admin })
  expect(error.headers.get('cache-control')).toBe('no-store')
})

it('a 409 names no constraint', async () => {
  const body = { code: 'hyg_dup', label: 'Дубль' }
  expect((await h.call('POST', '/api/departments', { token: admin, body })).status).toBe(201)
  const dup = await h.call('POST', '/api/departments', { token: admin, body })
  expect(dup.status).toBe(409)
  const text = await dup.text()
  expect(text).not.toMatch(/constraint|_pkey|_key|_fkey/)
  expect(JSON.parse(text).error).toMatch(/[а-я]/i)
})

it('a client that disconnects mid-body is not logged as a database failure', async () => {
  const before = h.logs.length
  const { port } = new URL(server.url)
  await new Promise<void>((resolve) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(
        'POST /api/departments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
          `Authorization: Bearer ${admin}\r\nContent-Length: 1000\r\n\r\n{"code":"x`,
      )
      setTimeout(() => socket.resetAndDestroy(), 200)
    })
    socket.on('close', () => resolve())
    socket.on('error', () => {})
  })
  await new Promise((r) => setTimeout(r, 500))
  const lines = h.logs.slice(before)
  expect(lines.join('\n')).not.toMatch(/недоступна|"status":503|"level":"(warn|error)"/)
})
