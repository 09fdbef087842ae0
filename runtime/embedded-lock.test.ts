// One owner per embedded data folder: the server running on DATA_DIR with concurrent writers and
// a command-line tool on the same DATA_DIR → the tool works through the server's engine, no
// acknowledged write is lost and the folder opens afterwards; a second server refuses, naming the
// running process; a lock left by a killed process does not block; the engine is reachable only
// through a Unix socket in its 0700 folder (no open TCP port).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { openEmbedded } from './db.ts'
import { folderOwner, LOCK_FILE, lockFolder } from './embedded-lock.ts'

const root = new URL('..', import.meta.url).pathname
const dataDir = mkdtempSync(join(tmpdir(), 'deltica-lock-'))
const children: ChildProcess[] = []
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
})

const env = (port: number) => {
  const e: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    ADMIN_PASSWORD: 'lock-admin-pass-1',
    LOG_LEVEL: 'warn',
  }
  delete e.DATABASE_URL
  delete e.TEST_DATABASE_URL
  delete e.DB_HOST
  return e
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

function run(script: string, args: string[], port: number) {
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: root,
      env: env(port),
    })
    children.push(child)
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('exit', (code) => resolve({ code, out }))
  })
}

it('a stale lock (its process is gone) does not block, a live one does', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deltica-stale-'))
  try {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'])
    const deadPid = Number(dead.stdout.toString())
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({
        pid: deadPid,
        host: hostname(),
        command: 'x',
        started_at: '',
        address: null,
      }),
    )
    expect(folderOwner(dir)).toBeNull()
    const lock = lockFolder(dir)
    expect(folderOwner(dir)?.pid).toBe(process.pid)
    expect(() => lockFolder(dir)).toThrow(/уже открыта другим процессом: pid \d+/)
    lock.release()
    expect(folderOwner(dir)).toBeNull()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

it('server + concurrent writers + a CLI on the same DATA_DIR: nothing acknowledged is lost', async () => {
  const port = await freePort()
  const server = spawn(process.execPath, ['--import', 'tsx', 'runtime/main.ts'], {
    cwd: root,
    env: env(port),
  })
  children.push(server)
  let serverOut = ''
  server.stdout.on('data', (d) => (serverOut += d))
  server.stderr.on('data', (d) => (serverOut += d))
  const base = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    const up = await fetch(`${base}/api/health`).then(
      (r) => r.ok,
      () => false,
    )
    if (up) break
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(serverOut)
    await new Promise((r) => setTimeout(r, 300))
  }
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'lock-admin-pass-1' }),
  })
  const { token } = (await login.json()) as { token: string }

  // the engine listens on a Unix socket inside its own folder, closed to other local users
  const pgdata = join(dataDir, 'pgdata')
  const owner = folderOwner(pgdata)
  expect(owner?.pid).toBe(server.pid)
  expect(owner?.address).toBe(join(pgdata, '.s.PGSQL.5432'))
  expect(statSync(owner!.address!).isSocket()).toBe(true)
  expect(statSync(pgdata).mode & 0o077).toBe(0)

  // a second server on the same folder refuses, naming the running process
  const second = await run('runtime/main.ts', [], await freePort())
  expect(second.code).not.toBe(0)
  expect(second.out).toContain(`pid ${server.pid}`)
  expect(second.out).toContain('уже открыта другим процессом')

  const acknowledged: string[] = []
  let writing = true
  const writer = async (w: number) => {
    for (let i = 0; writing; i++) {
      const code = `w${w}_${i}`
      const res = await fetch(`${base}/api/departments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ code, label: `Отдел ${code}` }),
      })
      if (res.status === 201 || res.status === 200) acknowledged.push(code)
      else await res.arrayBuffer()
    }
  }
  const writers = [0, 1, 2, 3].map(writer)
  const cli = await run('runtime/cli/seed-demo.ts', ['--count', '300'], port)
  writing = false
  await Promise.all(writers)
  expect(cli.out).toContain('Добавлено оборудования: 300')
  expect(cli.code).toBe(0)
  expect(acknowledged.length).toBeGreaterThan(10)

  server.kill('SIGTERM')
  await new Promise((resolve) => server.once('exit', resolve))
  expect(folderOwner(join(dataDir, 'pgdata'))).toBeNull()

  const db = await openEmbedded(join(dataDir, 'pgdata'), 2)
  try {
    const rows = await db.sql<{ code: string }[]>`select code from departments`
    const kept = new Set(rows.map((r) => r.code))
    expect(acknowledged.filter((code) => !kept.has(code))).toEqual([])
    const [{ n }] = await db.sql<{ n: number }[]>`select count(*)::int as n from equipment`
    expect(n).toBe(300)
  } finally {
    await db.close()
  }
}, 180_000)

it('a data folder too deep for a socket path still gets no TCP port: a private 0700 socket folder', async () => {
  const deep = join(dataDir, 'a-folder-name-long-enough'.repeat(4), 'pgdata')
  const db = await openEmbedded(deep, 2)
  try {
    const address = folderOwner(deep)?.address ?? ''
    expect(address).toMatch(/^\/.*\.s\.PGSQL\.5432$/)
    expect(statSync(address).isSocket()).toBe(true)
    expect(statSync(join(address, '..')).mode & 0o077).toBe(0)
    const [{ one }] = await db.sql<{ one: number }[]>`select 1 as one`
    expect(one).toBe(1)
  } finally {
    await db.close()
  }
  expect(folderOwner(deep)).toBeNull()
}, 60_000)
