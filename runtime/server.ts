// The Node HTTP(S) server around the app, and graceful shutdown: stop accepting, let in-flight
// requests finish (bounded), then close the pool.
import { readFileSync } from 'node:fs'
import { createServer as createHttpServer, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
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
  const server: Server = config.tls
    ? (createHttpsServer(
        { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) },
        adapter,
      ) as unknown as Server)
    : createHttpServer(adapter)
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
