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
import type { Config } from './config.ts'

export interface Listening {
  server: Server
  url: string
  /** Stops accepting, waits for in-flight requests up to `graceMs`, then resolves. */
  close(graceMs?: number): Promise<void>
}

export async function listen(
  app: App,
  config: Pick<Config, 'host' | 'port' | 'tls'>,
): Promise<Listening> {
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
        { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) },
        handler,
      ) as unknown as Server)
    : createHttpServer(handler)
  // a request line or header Node's parser refuses: the same 400 body, headers and log line
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable || (socket as any)._httpMessage) {
      socket.destroy()
      return
    }
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
  server.keepAliveTimeout = 65_000
  server.headersTimeout = 66_000
  server.requestTimeout = 0 // large uploads stream for minutes; idle sockets are closed by keepAlive

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

function validTarget(host: string | undefined, target: string | undefined): boolean {
  if (!host || !/^[^\s/?#@\\]+$/.test(host)) return false
  try {
    const base = new URL(`http://${host}`)
    new URL(target ?? '/', base)
    return true
  } catch {
    return false
  }
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
