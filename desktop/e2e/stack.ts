// The real stack for browser tests and the bench: a fresh PostgreSQL database (TEST_DATABASE_URL)
// or the embedded engine, the real server (npm start's entry) serving the built renderer, a
// second static server for the cross-origin path, and Debian's Chromium via playwright-core.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { extname, join, normalize, resolve, sep } from 'node:path'
import postgres from 'postgres'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

export const ROOT = resolve(import.meta.dirname, '../..')
export const DIST = resolve(import.meta.dirname, '../dist')
export const ADMIN_PASSWORD = 'e2e-admin-pass-1'
export const USER_PASSWORD = 'e2e-user-pass-1'

async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const { port } = s.address() as AddressInfo
  await new Promise((r) => s.close(r))
  return port
}

export interface Stack {
  url: string
  /** the test database (for a CLI such as npm run seed:demo) */
  databaseUrl: string
  sql: postgres.Sql
  dataDir: string
  token: (username: string, password?: string) => Promise<string>
  api: <T = any>(
    method: string,
    path: string,
    token: string,
    body?: unknown,
  ) => Promise<{ status: number; body: T }>
  makeUser: (u: {
    username: string
    role: 'admin' | 'laborant'
    department?: string
    full_name?: string
  }) => Promise<void>
  /** what the server printed (its log lines) */
  output: () => string
  /** the server process stopped (the database stays): the client sees no server at all */
  stopServer: () => Promise<void>
  /** the server started again on the same address */
  startServer: () => Promise<void>
  stop: () => Promise<void>
}

export async function startStack(
  opts: { corsOrigins?: string[]; env?: Record<string, string> } = {},
): Promise<Stack> {
  if (!existsSync(join(DIST, 'index.html')))
    throw new Error('desktop/dist is not built: npm run build')
  const base = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL
  if (!base) throw new Error('browser tests need TEST_DATABASE_URL (a real PostgreSQL)')
  const dataDir = mkdtempSync(join(tmpdir(), 'deltica-e2e-'))
  let databaseUrl: string
  let dropDatabase = async () => {}
  {
    const name = `deltica_e2e_${process.pid}_${randomBytes(3).toString('hex')}`
    const admin = postgres(base, { max: 1, onnotice: () => {} })
    await admin.unsafe(`create database ${name}`)
    const u = new URL(base)
    u.pathname = `/${name}`
    databaseUrl = u.toString()
    dropDatabase = async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end()
    }
  }
  const port = await freePort()
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ADMIN_PASSWORD,
    SECRET_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'info',
    NODE_ENV: 'development',
    WEB_CLIENT_DIR: DIST,
    CORS_ORIGINS: ['app://deltica', ...(opts.corsOrigins ?? [])].join(','),
    ...opts.env,
  }
  delete env.TEST_DATABASE_URL
  env.DATABASE_URL = databaseUrl
  let child: ChildProcess
  let output = ''
  const url = `http://127.0.0.1:${port}`
  /** starts the server on the stack's port and waits until it answers */
  async function launch() {
    child = spawn(process.execPath, ['--import', 'tsx', 'runtime/main.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stdout!.on('data', (d) => (output += d))
    child.stderr!.on('data', (d) => (output += d))
    const started = Date.now()
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited: ${output}`)
      try {
        if ((await fetch(`${url}/api/health`)).ok) break
      } catch {
        /* not yet */
      }
      if (Date.now() - started > 90_000) throw new Error(`server did not start: ${output}`)
      await new Promise((r) => setTimeout(r, 250))
    }
  }
  async function halt() {
    if (child.exitCode !== null) return
    child.kill('SIGTERM')
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)))
  }
  await launch()
  const sql = postgres(databaseUrl, {
    max: 4,
    onnotice: () => {},
    types: {
      date: { to: 1082, from: [1082], serialize: (x: string) => x, parse: (x: string) => x },
    },
  })

  const api: Stack['api'] = async (method, path, token, body) => {
    const r = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    })
    return { status: r.status, body: (await r.json().catch(() => null)) as any }
  }
  const token = async (
    username: string,
    password = username === 'admin' ? ADMIN_PASSWORD : USER_PASSWORD,
  ) => {
    const r = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '127.0.0.9' },
      body: JSON.stringify({ username, password }),
    })
    if (!r.ok) throw new Error(`login ${username}: ${r.status}`)
    return ((await r.json()) as { token: string }).token
  }
  let adminToken: string | null = null
  const makeUser: Stack['makeUser'] = async (u) => {
    adminToken ??= await token('admin')
    const r = await api('POST', '/api/users', adminToken, {
      username: u.username,
      full_name: u.full_name ?? u.username,
      role: u.role,
      department: u.department ?? null,
      password: USER_PASSWORD,
    })
    if (r.status !== 201 && r.status !== 200)
      throw new Error(`user ${u.username}: ${JSON.stringify(r.body)}`)
  }

  return {
    url,
    databaseUrl,
    sql,
    dataDir,
    api,
    token,
    makeUser,
    output: () => output,
    stopServer: halt,
    startServer: launch,
    async stop() {
      await halt()
      await sql.end({ timeout: 2 })
      await dropDatabase()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** The built renderer on another origin (as Electron's app:// page is): a plain static server. */
export async function staticServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const types: Record<string, string> = {
    '.html': 'text/html',
    '.js': 'text/javascript',
    '.css': 'text/css',
    '.svg': 'image/svg+xml',
  }
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    const file = normalize(join(DIST, path === '/' ? 'index.html' : path))
    if (!file.startsWith(DIST + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found')
      return
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' })
    createReadStream(file).pipe(res)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => server.close(() => r())),
  }
}

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--lang=ru-RU',
]

/**
 * A fresh Chromium profile (its own --user-data-dir), closed and removed by close().
 * `bypassCSP` lets a test inject a script into the page (the accessibility check's axe-core);
 * `locale` runs the browser in another language (en-US: what a misconfigured workstation shows).
 */
export async function browser(
  opts: {
    bypassCSP?: boolean
    locale?: string
    args?: string[]
    env?: Record<string, string>
  } = {},
): Promise<{
  context: BrowserContext
  page: Page
  close: () => Promise<void>
}> {
  const profile = mkdtempSync(join(tmpdir(), 'deltica-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      ...(opts.locale
        ? CHROMIUM_FLAGS.map((f) => (f.startsWith('--lang=') ? `--lang=${opts.locale}` : f))
        : CHROMIUM_FLAGS),
      ...(opts.args ?? []),
    ],
    ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}),
    viewport: { width: 1440, height: 880 },
    locale: opts.locale ?? 'ru-RU',
    timezoneId: 'Europe/Moscow',
    acceptDownloads: true,
    bypassCSP: opts.bypassCSP ?? false,
  })
  const page = context.pages()[0] ?? (await context.newPage())
  return {
    context,
    page,
    async close() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

export const SCREENSHOTS = resolve(ROOT, 'docs/images')

/** A browser on the app signed in as `username`, the register shown; the page's errors gathered. */
export async function signedIn(stack: Stack, username = 'admin') {
  const b = await browser()
  const pageErrors: string[] = []
  b.page.on('pageerror', (e) => pageErrors.push(e.message))
  await b.page.goto(stack.url)
  await b.page.waitForSelector('[data-testid=login]')
  await login(b.page, username)
  await b.page.waitForSelector('[data-testid=grid] revo-grid')
  return { ...b, pageErrors }
}

export async function login(
  page: Page,
  username: string,
  password = username === 'admin' ? ADMIN_PASSWORD : USER_PASSWORD,
) {
  await page.fill('input[name=username]', username)
  await page.fill('input[name=password]', password)
  await page.click('button[type=submit]')
}
