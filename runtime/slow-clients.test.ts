// Slow and greedy clients: a stalled body or head is cut after its timeout, connections beyond
// the per-address cap are closed at once (others still served), and a slow upload that keeps
// progressing is never cut, however long it takes; the default caps serve 1,000 connections from
// one address at once.
import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { App } from './app.ts'
import { inProcessBus } from './bus.ts'
import { json } from './errors.ts'
import { listen, type Listening } from './server.ts'

const app: App = {
  async fetch(request) {
    if (new URL(request.url).pathname === '/slow') {
      await new Promise((r) => setTimeout(r, 2500)) // the server works longer than the idle timeout
      return json({ slow: true })
    }
    const size = request.body ? (await request.arrayBuffer()).byteLength : 0
    return json({ size })
  },
  malformed: (info) => json({ error: 'Неверный HTTP-запрос' }, info.status ?? 400),
  endpoints: new Map(),
  routes: [],
  services: {},
  bus: inProcessBus(),
}

let server: Listening
let port: number
beforeAll(async () => {
  server = await listen(app, {
    host: '127.0.0.1',
    port: 0,
    tls: null,
    http: {
      headersTimeoutMs: 1500,
      idleTimeoutMs: 1000,
      keepAliveTimeoutMs: 1000,
      maxConnections: 100,
      maxConnectionsPerIp: 5,
    },
    trustedProxies: ['127.0.0.3'],
  })
  port = Number(new URL(server.url).port)
})
afterAll(() => server.close(500))

function open(localAddress = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress }, () => resolve(socket))
    socket.on('error', reject)
  })
}
const closed = (socket: Socket) =>
  new Promise<number>((resolve) => {
    const t0 = performance.now()
    if (socket.destroyed) return resolve(0)
    socket.on('close', () => resolve(performance.now() - t0))
  })

it('a stalled body is closed after the idle timeout', async () => {
  const socket = await open()
  socket.on('error', () => {})
  socket.write('POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\na')
  const ms = await closed(socket)
  expect(ms).toBeGreaterThan(500)
  expect(ms).toBeLessThan(4000)
})

it('a head that never ends is closed after the headers timeout', async () => {
  const socket = await open()
  socket.on('error', () => {})
  let answer = ''
  socket.on('data', (d) => (answer += d))
  socket.write('GET /x HTTP/1.1\r\nHost: x\r\n')
  const timer = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 300)
  const ms = await closed(socket)
  clearInterval(timer)
  expect(ms).toBeLessThan(5000)
  expect(answer).toMatch(/^HTTP\/1\.1 408 /)
})

it('connections beyond the per-address cap are closed at once; others are served', async () => {
  const sockets = await Promise.all(Array.from({ length: 8 }, () => open('127.0.0.2')))
  for (const s of sockets) s.on('error', () => {})
  await new Promise((r) => setTimeout(r, 200))
  expect(sockets.filter((s) => s.destroyed || s.readableEnded).length).toBe(3)
  const res = await fetch(`${server.url}/ok`)
  expect(res.status).toBe(200)
  for (const s of sockets) s.destroy()
})

it('a trusted reverse proxy (one address for every client) is not held to the per-address cap', async () => {
  const sockets = await Promise.all(Array.from({ length: 8 }, () => open('127.0.0.3')))
  for (const s of sockets) s.on('error', () => {})
  await new Promise((r) => setTimeout(r, 200))
  expect(sockets.filter((s) => s.destroyed || s.readableEnded).length).toBe(0)
  for (const s of sockets) s.destroy()
})

it('a request the server works on longer than the idle timeout is answered', async () => {
  const res = await fetch(`${server.url}/slow`)
  expect(res.status).toBe(200)
  expect(await res.json()).toEqual({ slow: true })
})

it('a slow upload that keeps progressing (50 MiB in 12 s, idle timeout 1 s) succeeds', async () => {
  const chunk = Buffer.alloc(1024 * 1024, 7)
  const chunks = 50
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent === chunks) return controller.close()
      await new Promise((r) => setTimeout(r, 240))
      sent++
      controller.enqueue(chunk)
    },
  })
  let sent = 0
  const res = await fetch(`${server.url}/upload`, {
    method: 'POST',
    body,
    headers: { 'content-length': String(chunks * chunk.length) },
    duplex: 'half',
  } as RequestInit)
  expect(res.status).toBe(200)
  expect((await res.json()).size).toBe(chunks * chunk.length)
}, 30_000)

it('the default caps let 1,000 connections from one address (a proxy, the load test) be served at once', async () => {
  const plain = await listen(app, { host: '127.0.0.1', port: 0, tls: null })
  const sockets: Socket[] = []
  try {
    const at = Number(new URL(plain.url).port)
    for (let i = 0; i < 1000; i += 100) {
      const wave = await Promise.all(
        Array.from(
          { length: 100 },
          () =>
            new Promise<Socket>((resolve, reject) => {
              const s = connect({ port: at, host: '127.0.0.1', localAddress: '127.0.0.4' }, () =>
                resolve(s),
              )
              s.on('error', reject)
            }),
        ),
      )
      sockets.push(...wave)
    }
    // every socket open at once, then each asks on its own connection
    const answers = await Promise.all(
      sockets.map(
        (s) =>
          new Promise<string>((resolve) => {
            if (s.destroyed) return resolve('') // closed by a cap before it could ask
            let out = ''
            s.setEncoding('latin1')
            s.on('data', (d) => {
              out += d
              if (out.includes('\r\n\r\n')) resolve(out)
            })
            s.on('close', () => resolve(out))
            s.write('GET /ok HTTP/1.1\r\nHost: x\r\n\r\n')
          }),
      ),
    )
    expect(answers.filter((a) => a.startsWith('HTTP/1.1 200 ')).length).toBe(1000)
    expect(sockets.filter((s) => s.destroyed).length).toBe(0)
  } finally {
    for (const s of sockets) s.destroy()
    await plain.close(500)
  }
}, 60_000)
