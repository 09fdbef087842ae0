// The shape of a function file: `const api = endpoint(import.meta.url)` names the group after its
// file (/api/<file name>), and each route declares who may call it and the zod schemas of its
// params, query and body. The wrapper authenticates, checks the role, parses every input through
// one helper and records the route in a table that drives the OpenAPI document and the fuzzer.
import { basename } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Response } from '@whatwg-node/server'
import { Router } from 'itty-router'
import { z } from 'zod'
import { bearerToken, verifyToken } from './auth.ts'
import { cachedUser, type CachedUser } from './user-cache.ts'
import type { Config } from './config.ts'
import type { Sql } from './db.ts'
import type { FileStore } from './files/store.ts'
import {
  badRequest,
  fieldIssues,
  forbidden,
  HttpError,
  json,
  tooLarge,
  unauthorized,
} from './errors.ts'
import type { ChangeBus } from './bus.ts'
import type { Logger } from './log.ts'
import type { SystemInfo } from './system.ts'

export type Role = 'admin' | 'laborant'

export interface User {
  id: number
  username: string
  full_name: string
  department: string | null
  role: Role
  token_version: number
}

export interface Env {
  sql: Sql
  config: Config
  log: Logger
  requestId: string
  ip: string
  user: User | null
  /**
   * Sliding-window limiter shared by every replica (runtime/rate-limit.ts); rejects with 429 when
   * `key` exceeded `limit` in `windowMs`.
   */
  rateLimit(key: string, limit: number, windowMs: number): Promise<void>
  /** Per-request cache shared by helpers (settings, …). */
  cache: Map<string, unknown>
  /** User files and backup archives on disk: the only way a handler reaches them. */
  files: FileStore
  /** The system monitor's readings (database, disk, memory, log). */
  system: SystemInfo
  /** Tells the other server processes (and this one) that something changed (runtime/bus.ts). */
  bus: ChangeBus
  /** Long-lived services the runtime hands over (services.database: kind and url). */
  services: Record<string, unknown>
}

/** Env of a route that requires a login: the user is known. */
export type AuthedEnv = Env & { user: User }

export type Access = 'public' | 'user' | 'admin'
type Schema = z.ZodType
type Out<S> = S extends z.ZodType ? z.output<S> : undefined

export interface RouteSpec<P, Q, B> {
  /** who may call: anyone, any logged-in user, admins only */
  auth: Access
  /** one line for the OpenAPI document (Russian) */
  summary: string
  params?: P
  query?: Q
  /** a JSON body schema, or 'raw' when the handler reads the body itself (uploads) */
  body?: B | 'raw'
  /** JSON body size cap in bytes (default 1 MiB) */
  maxBody?: number
  /** what a successful call returns, for the document: 'json' (default) or a media type */
  produces?: string
  /** the success status (default 200); 204 answers with no body whatever the handler returns */
  status?: SuccessStatus
  /** the zod schema of a successful JSON answer (checked under tests, described in OpenAPI) */
  response?: Schema
  /** a stable name for the OpenAPI operationId (default: derived from method and path) */
  operationId?: string
  /** CORS lets the configured client origins send credentials (Windows sign-in's Negotiate) */
  credentials?: boolean
}

export type SuccessStatus = 200 | 201 | 202 | 204

export interface RouteInfo {
  method: string
  path: string
  auth: Access
  summary: string
  params?: Schema
  query?: Schema
  body?: Schema | 'raw'
  produces: string
  status: SuccessStatus
  response?: Schema
  operationId: string
  credentials?: boolean
}

/** A route's answer that does not match what it declared (status or response schema). */
export interface ResponseViolation {
  route: string
  problem: string
}

let responseCheck: ((v: ResponseViolation) => void) | null = null

/**
 * Under tests: every successful answer is checked against its route's declared status and
 * response schema, and each mismatch is handed to `onViolation` (the harness fails the file).
 */
export function checkResponses(
  onViolation: ((v: ResponseViolation) => void) | null,
): ((v: ResponseViolation) => void) | null {
  const previous = responseCheck
  responseCheck = onViolation
  return previous
}

async function verifyAnswer(route: RouteInfo, response: Response): Promise<void> {
  if (!responseCheck || response.status >= 300) return
  const name = `${route.method} ${route.path}`
  // a file answered in part (Range) is 206 whatever the route's full answer is
  const partial = response.status === 206 && route.produces !== 'application/json'
  if (response.status !== route.status && !partial) {
    responseCheck({ route: name, problem: `status ${response.status}, declared ${route.status}` })
    return
  }
  const type = response.headers.get('content-type') ?? ''
  if (route.status === 204 || !type.startsWith('application/json')) return
  // a route without a schema is named by the route-table test (runtime/app.test.ts)
  if (!route.response) return
  const body = await response.clone().json()
  const result = route.response.safeParse(body)
  if (!result.success) {
    const issues = result.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(тело)'}: ${i.message}`)
    responseCheck({
      route: name,
      problem: `response does not match its schema: ${issues.join('; ')}`,
    })
  }
}

/** 'GET /api/equipment/:id' → 'getEquipmentById' */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .replace(/^\/api\//, '')
    .split(/[/.\-_]+/)
    .filter(Boolean)
    .map((w) => (w.startsWith(':') ? `by-${w.slice(1)}` : w))
    .flatMap((w) => w.split('-'))
  return [method.toLowerCase(), ...words]
    .map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1)))
    .join('')
}

type Input<P, Q, B> = { params: Out<P>; query: Out<Q>; body: Out<B> }
type Handler<P, Q, B, A extends Access> = (
  request: Request,
  env: A extends 'public' ? Env : AuthedEnv,
  input: Input<P, Q, B>,
) => Promise<Response | unknown> | Response | unknown

const DEFAULT_MAX_BODY = 1024 * 1024

export interface Endpoint {
  name: string
  base: string
  routes: RouteInfo[]
  fetch(request: Request, env: Env): Promise<Response | undefined>
  get<
    P extends Schema | undefined,
    Q extends Schema | undefined,
    B extends Schema | undefined,
    A extends Access,
  >(
    path: string,
    spec: RouteSpec<P, Q, B> & { auth: A },
    handler: Handler<P, Q, B, A>,
  ): Endpoint
  post: Endpoint['get']
  put: Endpoint['get']
  patch: Endpoint['get']
  delete: Endpoint['get']
}

/** Reads a whole request body into memory, refusing more than `maxBytes` with a 413. */
export async function readBody(
  request: Request,
  maxBytes: number,
  tooLargeMessage = 'Слишком большой запрос',
): Promise<Buffer<ArrayBuffer>> {
  const declared = Number(request.headers.get('content-length') ?? '0')
  if (declared > maxBytes) throw tooLarge(tooLargeMessage)
  if (!request.body) return Buffer.alloc(0)
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = request.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel().catch(() => {})
      throw tooLarge(tooLargeMessage)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks)
}

/** Reads a JSON body with a size cap; invalid JSON or UTF-8 → 400, too big → 413. */
export async function readJson(request: Request, maxBytes: number): Promise<unknown> {
  const bytes = await readBody(request, maxBytes)
  if (bytes.length === 0) return undefined
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw badRequest('Тело запроса не в кодировке UTF-8')
  }
  try {
    return JSON.parse(text)
  } catch {
    throw badRequest('Тело запроса не является корректным JSON')
  }
}

/** The one input-validation helper: schema failure → 400 with the field issues. */
export function parse<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what = 'запроса',
): z.output<S> {
  const result = schema.safeParse(input)
  if (!result.success) {
    throw badRequest(`Проверьте поля ${what}`, { fields: fieldIssues(result.error) })
  }
  return result.data
}

async function authenticate(request: Request, env: Env): Promise<User> {
  const token = bearerToken(request)
  if (!token) throw unauthorized()
  const claims = await verifyToken(token, env.config.secretKey)
  if (!claims) throw unauthorized('Сеанс недействителен или истёк, войдите снова')
  const user = await cachedUser(env.bus, claims.userId, async () => {
    const [row] = await env.sql<CachedUser[]>`
      select id, username, full_name, department, role, token_version, active
      from users
      where id = ${claims.userId}`
    return row
  })
  if (!user || !user.active || user.token_version !== claims.tokenVersion) {
    throw unauthorized('Сеанс недействителен или истёк, войдите снова')
  }
  const { active: _, ...rest } = user
  return rest
}

export function functionName(moduleUrl: string): string {
  return basename(fileURLToPath(moduleUrl)).replace(/\.[cm]?[jt]s$/, '')
}

export function endpoint(moduleUrl: string): Endpoint {
  const name = functionName(moduleUrl)
  const base = `/api/${name}`
  const router = Router({ base })
  const routes: RouteInfo[] = []

  const add =
    (method: string) =>
    (path: string, spec: RouteSpec<any, any, any>, handler: Handler<any, any, any, any>) => {
      const fullPath = (base + path).replace(/\/+$/, '') || '/'
      const info: RouteInfo = {
        method: method.toUpperCase(),
        path: fullPath,
        auth: spec.auth,
        summary: spec.summary,
        params: spec.params,
        query: spec.query,
        body: spec.body,
        produces: spec.produces ?? 'application/json',
        status: spec.status ?? 200,
        response: spec.response,
        operationId: spec.operationId ?? operationIdOf(method, fullPath),
        ...(spec.credentials ? { credentials: true } : {}),
      }
      routes.push(info)
      ;(router as any)[method](path, async (request: any, env: Env) => {
        if (spec.auth !== 'public') {
          env.user = await authenticate(request, env)
          if (spec.auth === 'admin' && env.user.role !== 'admin') throw forbidden()
        }
        const params = spec.params
          ? parse(spec.params, decodeParams(request.params), 'адреса')
          : undefined
        const query = spec.query ? parse(spec.query, request.query, 'параметров') : undefined
        let body: unknown
        if (spec.body && spec.body !== 'raw') {
          const raw = await readJson(request, spec.maxBody ?? DEFAULT_MAX_BODY)
          body = parse(spec.body, raw ?? {}, 'запроса')
        }
        const result = await handler(request, env, { params, query, body } as any)
        const response =
          info.status === 204
            ? new Response(null, { status: 204 })
            : result instanceof Response || isResponseLike(result)
              ? result
              : json(result ?? null, info.status)
        if (responseCheck) await verifyAnswer(info, response)
        return response
      })
      return api
    }

  const api: Endpoint = {
    name,
    base,
    routes,
    fetch: (request, env) => router.fetch(request as any, env),
    get: add('get') as Endpoint['get'],
    post: add('post') as Endpoint['get'],
    put: add('put') as Endpoint['get'],
    patch: add('patch') as Endpoint['get'],
    delete: add('delete') as Endpoint['get'],
  }
  return api
}

function decodeParams(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(params ?? {})) {
    try {
      out[k] = decodeURIComponent(v)
    } catch {
      throw badRequest('Неверный адрес запроса')
    }
  }
  return out
}

function isResponseLike(value: unknown): value is Response {
  return (
    typeof value === 'object' &&
    value !== null &&
    'status' in value &&
    'headers' in value &&
    typeof (value as Response).arrayBuffer === 'function'
  )
}

export { HttpError }
