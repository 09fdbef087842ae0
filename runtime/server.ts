// The Node HTTP(S) server around the app, and graceful shutdown: stop accepting, let in-flight
// requests finish (bounded), then close the pool.
import { readFileSync } from 'node:fs'
import {
  createServer as createHttpServer,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { createServerAdapter } from '@whatwg-node/server'
import type { App } from './app.ts'
import { proxyMatcher } from './client-address.ts'
import type { Config, HttpLimits } from './config.ts'

export interface Listening {
  server: Server
  url: string
  /** Stops accepting, waits for in-flight requests up to `graceMs`, then resolves. */
  close(graceMs?: number): Promise<void>
}

const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 20_000,
  idleTimeoutMs: 15_000,
  keepAliveTimeoutMs: 65_000,
  maxConnections: 4096,
  maxConnectionsPerIp: 1024,
}

export async function listen(
  app: App,
  config: Pick<Config, 'host' | 'port' | 'tls'> & {
    http?: HttpLimits
    trustedProxies?: string[]
  },
): Promise<Listening> {
  const limits = config.http ?? DEFAULT_HTTP_LIMITS
  // a reverse proxy of TRUSTED_PROXIES carries every client: the per-address cap is not for it
  // (it caps per client itself, nginx's limit_conn); the cap in all still applies
  const fromProxy = proxyMatcher(config.trustedProxies ?? [])
  const adapter = createServerAdapter((request, ctx: any) => app.fetch(request, ctx))
  // a Host or target that makes no URL would fail inside the adapter (a 500 with a stack):
  // answer it through the app's error mapping instead
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (validTarget(req.headers.host, req.url)) return adapter(req, res)
    const response = app.malformed({
      reason: 'invalid host or target',
      ip: req.socket.remoteAddress,
      method: req.method,
    })
    void sendResponse(res, response)
  }
  const server: Server = config.tls
    ? (createHttpsServer(
        {
          cert: readFileSync(config.tls.certFile),
          key: readFileSync(config.tls.keyFile),
          connectionsCheckingInterval: 1000,
        },
        handler,
      ) as unknown as Server)
    : createHttpServer({ connectionsCheckingInterval: 1000 }, handler)
  // a request line or header Node's parser refuses: the same 400 body, headers and log line
  const answered = new WeakSet<Socket>()
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (answered.has(socket)) return
    if (error.code === 'ECONNRESET' || !socket.writable || (socket as any)._httpMessage) {
      socket.destroy()
      return
    }
    answered.add(socket)
    const status =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? 431
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? 408
          : 400
    const response = app.malformed({
      reason: error.code ?? 'client error',
      ip: socket.remoteAddress,
      status,
    })
    void writeRaw(socket, response)
  })
  // a large upload streams for minutes (no total request time limit), but a body that stalls
  // for idleTimeoutMs is cut, the head must arrive within headersTimeoutMs, and the number of
  // open sockets is capped in all and per address — so slow clients cannot hold every descriptor
  server.requestTimeout = 0
  server.headersTimeout = limits.headersTimeoutMs
  server.timeout = limits.idleTimeoutMs
  // a socket idle that long: cut when the client stalls (a body that stops arriving, a download it
  // stopped reading), kept while the server itself is still working on the answer (a long
  // backup or export has its own limits, the statement timeout among them)
  const current = new WeakMap<Socket, { req: IncomingMessage; res: ServerResponse }>()
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    current.set(req.socket, { req, res })
    res.once('close', () => {
      if (current.get(req.socket)?.res === res) current.delete(req.socket)
    })
  })
  server.on('timeout', (socket: Socket) => {
    const active = current.get(socket)
    const working =
      active &&
      active.req.complete &&
      !active.res.writableEnded &&
      (!active.res.headersSent || socket.writableLength === 0)
    if (!working) socket.destroy()
  })
  server.keepAliveTimeout = limits.keepAliveTimeoutMs
  server.maxConnections = limits.maxConnections
  const perAddress = new Map<string, number>()
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '-'
    if (fromProxy(address)) return
    const open = (perAddress.get(address) ?? 0) + 1
    if (open > limits.maxConnectionsPerIp) {
      socket.destroy()
      return
    }
    perAddress.set(address, open)
    socket.once('close', () => {
      const left = (perAddress.get(address) ?? 1) - 1
      if (left > 0) perAddress.set(address, left)
      else perAddress.delete(address)
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.port, config.host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
  const url = `${config.tls ? 'https' : 'http'}://${shownHost}:${port}`

  return {
    server,
    url,
    close(graceMs = 10_000) {
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          clearInterval(sweep)
          server.closeAllConnections()
          resolve()
        }, graceMs)
        timer.unref()
        // keep-alive sockets become idle once their last response is sent: close them as they do
        const sweep = setInterval(() => server.closeIdleConnections(), 50)
        server.close(() => {
          clearTimeout(timer)
          clearInterval(sweep)
          resolve()
        })
        server.closeIdleConnections()
      })
    },
  }
}

/**
 * Whether a Host and request target make a URL (a Host seen valid is remembered, a few hundred at
 * most).
 */
function validTarget(host: string | undefined, target: string | undefined): boolean {
  if (!host || !validHost(host)) return false
  // an origin-form target of printable ASCII always makes a URL with a valid host
  if (target && PLAIN_TARGET.test(target)) return true
  try {
    new URL(target ?? '/', `http://${host}`)
    return true
  } catch {
    return false
  }
}

const PLAIN_TARGET = /^\/[!-~]*$/
const KNOWN_HOSTS = new Set<string>()

function validHost(host: string): boolean {
  if (KNOWN_HOSTS.has(host)) return true
  if (!/^[^\s/?#@\\]+$/.test(host)) return false
  try {
    new URL(`http://${host}`)
  } catch {
    return false
  }
  if (KNOWN_HOSTS.size < 256) KNOWN_HOSTS.add(host)
  return true
}

async function sendResponse(res: ServerResponse, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer())
  const headers: Record<string, string> = Object.fromEntries(response.headers)
  headers['content-length'] = String(body.length)
  res.writeHead(response.status, headers)
  res.end(body)
}

async function writeRaw(socket: Socket, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer())
  const lines = [`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}`]
  for (const [k, v] of response.headers) lines.push(`${k}: ${v}`)
  lines.push(`content-length: ${body.length}`, 'connection: close', '', '')
  socket.end(Buffer.concat([Buffer.from(lines.join('\r\n')), body]))
}
