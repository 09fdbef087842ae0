// The application: discovers functions/*.ts, dispatches /api/<name>/… to the file of that name,
// and wraps every request with a request id, CORS, security headers, the one error mapping and a
// JSON access-log line. createApp() takes its database and config, so tests pass their own.
import { randomUUID } from 'node:crypto'
import { readdirSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { clientAddressResolver } from './client-address.ts'
import type { Config } from './config.ts'
import { inProcessBus, type ChangeBus } from './bus.ts'
import type { Sql } from './db.ts'
import type { Endpoint, Env, RouteInfo } from './endpoint.ts'
import {
  classify,
  clientGone,
  errorResponse,
  HttpError,
  internalError,
  json,
  notFound,
} from './errors.ts'
import { fileStore } from './files/store.ts'
import type { Logger } from './log.ts'
import { docsPage, openApiDocument } from './openapi.ts'
import { sharedRateLimiter } from './rate-limit.ts'
import { systemInfo } from './system.ts'

const FUNCTIONS_DIR = fileURLToPath(new URL('../functions/', import.meta.url))

/** functions/*.ts except _-prefixed files and tests. */
export function functionFiles(dir = FUNCTIONS_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter(
      (d) => d.isFile() && /^[a-z][\w-]*\.ts$/.test(d.name) && !/\.(test|spec)\.ts$/.test(d.name),
    )
    .map((d) => d.name)
    .sort()
}

async function loadFunctions(dir = FUNCTIONS_DIR): Promise<Map<string, Endpoint>> {
  const endpoints = new Map<string, Endpoint>()
  for (const file of functionFiles(dir)) {
    const mod = await import(pathToFileURL(`${dir}/${file}`).href)
    const ep = mod.default as Endpoint
    if (!ep || typeof ep.fetch !== 'function' || !Array.isArray(ep.routes)) {
      throw new Error(`functions/${file}: the default export must be endpoint(import.meta.url)`)
    }
    endpoints.set(ep.name, ep)
  }
  return endpoints
}

export interface AppOptions {
  sql: Sql
  config: Config
  log: Logger
  services?: Record<string, unknown>
  /** the change bus between processes (in-process when not given) */
  bus?: ChangeBus
  /** where the function files are (tests point it elsewhere) */
  functionsDir?: string
  /** requests outside /api (the web client, /docs), tried before the 404 */
  fallback?: (request: Request, env: Env) => Promise<Response | undefined>
}

export interface App {
  fetch(
    request: Request,
    ctx?: { ip?: string; req?: { socket?: { remoteAddress?: string } } },
  ): Promise<Response>
  /** The error response to a request the HTTP layer rejected before it became a Request. */
  malformed(info: {
    reason: string
    ip?: string
    method?: string
    path?: string
    status?: number
  }): Response
  endpoints: Map<string, Endpoint>
  routes: RouteInfo[]
  services: Record<string, unknown>
  bus: ChangeBus
}

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
}

export async function createApp(opts: AppOptions): Promise<App> {
  const endpoints = await loadFunctions(opts.functionsDir)
  const routes = [...endpoints.values()].flatMap((e) => e.routes)
  const limiter = sharedRateLimiter(opts.sql)
  const rateLimit: Env['rateLimit'] = (key, limit, windowMs) => limiter.hit(key, limit, windowMs)
  const clientAddress = clientAddressResolver(opts.config.trustedProxies)
  const allowedOrigins = new Set(opts.config.corsOrigins)
  const services = opts.services ?? {}
  const files = fileStore(opts.config.dataDir)
  const system = systemInfo(opts.sql, opts.config.dataDir)
  const bus = opts.bus ?? inProcessBus()

  // the headers of every answer (a route's own value kept)
  const everyResponse = Object.entries({
    ...SECURITY_HEADERS,
    ...(opts.config.tls ? { 'strict-transport-security': 'max-age=31536000' } : {}),
  })

  // routes whose cross-origin callers may send credentials (the route flag `credentials`)
  const credentialPaths = new Set(routes.filter((r) => r.credentials).map((r) => r.path))
  const corsHeaders = (origin: string | null, path: string): Record<string, string> =>
    origin && allowedOrigins.has(origin)
      ? {
          'access-control-allow-origin': origin,
          'access-control-allow-credentials': String(credentialPaths.has(path.replace(/\/$/, ''))),
          'access-control-expose-headers':
            'content-disposition, content-length, x-request-id, retry-after',
          vary: 'Origin',
        }
      : {}

  // the methods each path of the route table answers, for 405's Allow
  const routeMatchers = routes.map((r) => ({
    method: r.method,
    re: new RegExp(
      '^' +
        r.path
          .split('/')
          .map((part) =>
            part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
          )
          .join('/') +
        '/?$',
    ),
  }))
  const allowedMethods = (path: string): string[] => {
    const methods = new Set(routeMatchers.filter((m) => m.re.test(path)).map((m) => m.method))
    if (methods.has('GET')) methods.add('HEAD')
    if (methods.size) methods.add('OPTIONS')
    return [...methods].sort()
  }

  // the route table describes itself: /api/openapi.json and /docs (runtime/openapi.ts)
  let openApi: ReturnType<typeof openApiDocument> | undefined

  async function handle(request: Request, url: URL, env: Env): Promise<Response> {
    if (request.method === 'GET' && url.pathname === '/api/openapi.json') {
      openApi ??= openApiDocument(routes, opts.config.version)
      return json(openApi)
    }
    if (request.method === 'GET' && (url.pathname === '/docs' || url.pathname === '/docs/')) {
      return docsPage(routes, opts.config.version)
    }
    if (url.pathname.startsWith('/api/')) {
      const name = url.pathname.slice(5).split('/', 1)[0]
      const ep = endpoints.get(name)
      const response = ep ? await ep.fetch(request, env) : undefined
      if (response) return response
      const allowed = allowedMethods(url.pathname)
      if (allowed.length) {
        throw new HttpError(
          405,
          'Этот метод не поддерживается по этому адресу',
          {},
          { allow: allowed.join(', ') },
        )
      }
      throw notFound('Адрес не найден')
    }
    const response = opts.fallback ? await opts.fallback(request, env) : undefined
    if (response) return response
    throw notFound('Адрес не найден')
  }

  async function fetch(request: Request, ctx: Parameters<App['fetch']>[1] = {}): Promise<Response> {
    const started = performance.now()
    const requestId = randomUUID()
    let requestLog: Logger | undefined
    const origin = request.headers.get('origin')
    const url = new URL(request.url)
    const env: Env = {
      sql: opts.sql,
      config: opts.config,
      // made when a route logs (most log nothing but the access line)
      get log() {
        return (requestLog ??= opts.log.child({ request_id: requestId }))
      },
      requestId,
      ip: clientAddress(ctx.ip ?? ctx.req?.socket?.remoteAddress, request.headers),
      user: null,
      rateLimit,
      cache: new Map(),
      files,
      system,
      bus,
      services,
    }

    let response: Response
    if (request.method === 'OPTIONS' && origin) {
      response = new Response(null, {
        status: allowedOrigins.has(origin) ? 204 : 403,
        headers: allowedOrigins.has(origin)
          ? {
              'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
              'access-control-allow-headers': 'authorization, content-type, range, last-event-id',
              'access-control-max-age': '600',
              ...(credentialPaths.has(url.pathname.replace(/\/$/, ''))
                ? { 'access-control-allow-credentials': 'true' }
                : {}),
            }
          : {},
      })
    } else {
      try {
        // HEAD wherever GET: the GET's status and headers, without the body
        response = await handle(
          request.method === 'HEAD'
            ? new Request(request.url, { method: 'GET', headers: request.headers })
            : request,
          url,
          env,
        )
        if (request.method === 'HEAD') {
          void response.body?.cancel().catch(() => {})
          response = new Response(null, { status: response.status, headers: response.headers })
        }
      } catch (error) {
        const known = clientGone(request, error)
          ? new HttpError(499, 'Клиент закрыл соединение')
          : classify(error)
        if (known?.status === 499) {
          // the client went away (closed the socket mid-body): nothing failed on our side
          response = errorResponse(known)
        } else if (known) {
          response = errorResponse(known)
          if (known.status >= 500)
            env.log.warn('request failed', { status: known.status, error: String(error) })
        } else {
          env.log.error('unhandled error', {
            method: request.method,
            path: url.pathname,
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          })
          response = internalError(requestId)
        }
      }
    }

    return finish(response, {
      started,
      requestId,
      origin,
      user: env.user?.username ?? null,
      ip: env.ip,
      method: request.method,
      path: url.pathname,
    })
  }

  /** The headers every response carries, and its access-log line. */
  function finish(
    response: Response,
    r: {
      started: number
      requestId: string
      origin: string | null
      user: string | null
      ip: string | null | undefined
      method: string
      path: string
      reason?: string
    },
  ): Response {
    const headers = response.headers
    for (const [k, v] of everyResponse) if (!headers.has(k)) headers.set(k, v)
    if (r.origin) {
      for (const [k, v] of Object.entries(corsHeaders(r.origin, r.path)))
        if (!headers.has(k)) headers.set(k, v)
    }
    headers.set('x-request-id', r.requestId)
    // API responses carry register data: no shared or browser cache keeps them
    if ((r.path.startsWith('/api/') || r.path === '-') && !headers.has('cache-control'))
      headers.set('cache-control', 'no-store')

    opts.log.info('request', {
      request_id: r.requestId,
      user: r.user,
      ip: r.ip,
      method: r.method,
      path: r.path,
      status: response.status,
      duration_ms: Math.round((performance.now() - r.started) * 10) / 10,
      ...(r.reason ? { reason: r.reason } : {}),
    })
    return response
  }

  /**
   * A request the HTTP layer could not turn into a Request (a bad Host, request line or header):
   * the same error body, headers and log line as any other 400.
   */
  function malformed(info: {
    reason: string
    ip?: string
    method?: string
    path?: string
    status?: number
  }): Response {
    const requestId = randomUUID()
    const status = info.status ?? 400
    const message =
      status === 431
        ? 'Заголовки запроса слишком велики'
        : status === 408
          ? 'Запрос не получен вовремя'
          : 'Неверный HTTP-запрос'
    return finish(errorResponse(new HttpError(status, message), requestId), {
      started: performance.now(),
      requestId,
      origin: null,
      user: null,
      ip: info.ip ?? null,
      method: info.method ?? '-',
      path: info.path ?? '-',
      reason: info.reason,
    })
  }

  return { fetch, malformed, endpoints, routes, services, bus }
}
