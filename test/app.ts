// The test harness: a migrated database, the real app (all discovered functions) with a test
// config, and helpers to make users, log in and call routes with new Request(...).
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createApp, type App } from '../runtime/app.ts'
import type { Config } from '../runtime/config.ts'
import { checkResponses, type ResponseViolation } from '../runtime/endpoint.ts'
import { createLogger, type Logger } from '../runtime/log.ts'
import { createUser } from '../domain/users/accounts.ts'
import { testDatabase, type TestDatabase } from './db.ts'

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    env: 'test',
    port: 0,
    host: '127.0.0.1',
    databaseUrl: null,
    poolSize: 10,
    dataDir: mkdtempSync(join(tmpdir(), 'deltica-test-')),
    secretKey: randomBytes(32).toString('hex'),
    adminPassword: undefined,
    tls: null,
    corsOrigins: ['app://deltica', 'http://localhost:5173'],
    trustedProxies: [],
    logLevel: 'error',
    timeZone: 'Europe/Moscow',
    version: '0.0.0-test',
    ...overrides,
  }
}

export interface Harness {
  app: App
  db: TestDatabase
  sql: TestDatabase['sql']
  config: Config
  logs: string[]
  /** fetch a path on the app: call('POST', '/api/auth/login', {body, token}) */
  call(
    method: string,
    path: string,
    opts?: {
      body?: unknown
      token?: string
      headers?: Record<string, string>
      ip?: string
      raw?: BodyInit
    },
  ): Promise<Response>
  /** create a user directly in the database and return its id */
  makeUser(u: {
    username: string
    role: 'admin' | 'laborant'
    department?: string | null
    password?: string
    full_name?: string
  }): Promise<number>
  /** log in and return the token (throws on failure) */
  login(username: string, password?: string): Promise<string>
  close(): Promise<void>
}

export const PASSWORD = 'correct-horse-42'

// Every answer a test provokes is checked against its route's declared status and response
// schema; a file whose calls produced a mismatch fails when its harness closes, naming the route.
const violations = new Map<string, ResponseViolation>()
checkResponses((v) => violations.set(`${v.route}: ${v.problem}`, v))

function assertNoViolations() {
  if (violations.size === 0) return
  const list = [...violations.keys()]
  violations.clear()
  throw new Error(`Ответы не совпали с объявленными схемами маршрутов:\n${list.join('\n')}`)
}

export async function harness(
  opts: { config?: Partial<Config>; services?: Record<string, unknown> } = {},
): Promise<Harness> {
  const db = await testDatabase()
  const config = testConfig(opts.config)
  const logs: string[] = []
  const log: Logger = createLogger({ level: 'info', sink: (l) => logs.push(l) })
  const app = await createApp({ sql: db.sql, config, log, services: opts.services })
  let ipCounter = 0

  const call: Harness['call'] = (method, path, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) }
    if (o.token) headers.authorization = `Bearer ${o.token}`
    let body: BodyInit | undefined = o.raw
    if (o.body !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(o.body)
    }
    return app.fetch(new Request(`http://deltica.test${path}`, { method, headers, body }), {
      // each call its own address unless given, so the per-IP login limit stays out of the way
      ip: o.ip ?? `10.0.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`,
    })
  }

  return {
    app,
    db,
    sql: db.sql,
    config,
    logs,
    call,
    async makeUser(u) {
      const row = await createUser(db.sql, {
        username: u.username,
        role: u.role,
        department: u.department ?? (u.role === 'laborant' ? 'gtl' : null),
        password: u.password ?? PASSWORD,
        full_name: u.full_name ?? u.username,
        active: true,
      })
      return row.id
    },
    async login(username, password = PASSWORD) {
      const res = await call('POST', '/api/auth/login', { body: { username, password } })
      if (res.status !== 200)
        throw new Error(`login ${username}: ${res.status} ${await res.text()}`)
      return ((await res.json()) as { token: string }).token
    },
    async close() {
      await db.close()
      rmSync(config.dataDir, { recursive: true, force: true })
      assertNoViolations()
    },
  }
}

/** PUT /api/settings with the settings' current version (read first), as the settings form does. */
export async function putSettings(
  h: Pick<Harness, 'call'>,
  token: string,
  body: Record<string, unknown>,
): Promise<Response> {
  const { version } = await (await h.call('GET', '/api/settings', { token })).json()
  return h.call('PUT', '/api/settings', { token, body: { ...body, version } })
}
