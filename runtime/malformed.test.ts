// Malformed requests reach the one error mapping: a bad Host or request line answers 400 with a
// request id, the security headers and a JSON body without internals, and is logged.
import { connect } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { harness, type Harness } from '../test/app.ts'
import { listen, type Listening } from './server.ts'

let h: Harness
let server: Listening
beforeAll(async () => {
  h = await harness()
  server = await listen(h.app, { host: '127.0.0.1', port: 0, tls: null })
})
afterAll(async () => {
  await server.close(1000)
  await h.close()
})

/** Sends raw bytes, returns the raw response (the server closes or answers once). */
function raw(text: string): Promise<string> {
  const { port } = new URL(server.url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(text))
    let out = ''
    socket.setEncoding('latin1')
    socket.on('data', (d) => {
      out += d
      if (/\r\n\r\n/.test(out)) {
        const length = /content-length: (\d+)/i.exec(out)?.[1]
        const body = out.split('\r\n\r\n').slice(1).join('\r\n\r\n')
        if (length && Buffer.byteLength(body, 'latin1') >= Number(length)) socket.destroy()
      }
    })
    socket.on('close', () => resolve(Buffer.from(out, 'latin1').toString('utf8')))
    socket.on('error', reject)
    setTimeout(() => socket.destroy(), 3000)
  })
}

it.each([
  ['Host: a b', 'GET /api/health HTTP/1.1\r\nHost: a b\r\n\r\n'],
  ['Host: [', 'GET /api/health HTTP/1.1\r\nHost: [\r\n\r\n'],
  ['Host: x:99999', 'GET /api/health HTTP/1.1\r\nHost: x:99999\r\n\r\n'],
  ['a broken request line', 'GET /api/health HTTP/1.1 junk\r\nHost: x\r\n\r\n'],
  ['a header without a colon', 'GET /api/health HTTP/1.1\r\nHost: x\r\nbroken header\r\n\r\n'],
])('%s → 400 through the error mapping, logged', async (_, request) => {
  const before = h.logs.length
  const response = await raw(request)
  const [head, body] = response.split('\r\n\r\n')
  expect(head).toMatch(/^HTTP\/1\.1 400 /)
  expect(head).toMatch(/x-request-id: [0-9a-f-]{36}/i)
  expect(head).toMatch(/x-content-type-options: nosniff/i)
  expect(head).toMatch(/content-type: application\/json/i)
  const parsed = JSON.parse(body)
  expect(parsed.error).toMatch(/[а-я]/i)
  expect(parsed.request_id).toMatch(/^[0-9a-f-]{36}$/)
  expect(body).not.toMatch(/\/work|\.ts|at /)
  const logged = h.logs.slice(before).map((l) => JSON.parse(l))
  expect(logged.some((l) => l.status === 400 && l.request_id === parsed.request_id)).toBe(true)
})

it('a good request still works after the malformed ones', async () => {
  const response = await raw(
    'GET /api/health HTTP/1.1\r\nHost: localhost:1\r\nConnection: close\r\n\r\n',
  )
  expect(response).toMatch(/^HTTP\/1\.1 200 /)
})
