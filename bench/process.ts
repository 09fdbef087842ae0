// Child processes for the benchmark, load and fault scripts: a free port, and a server started
// with its output in a file and awaited on /api/health.
import { spawn, type ChildProcess } from 'node:child_process'
import { openSync, readFileSync } from 'node:fs'
import { createServer as createNetServer, type AddressInfo } from 'node:net'

export const ROOT = new URL('..', import.meta.url).pathname

/**
 * How a server process runs the TypeScript: as production does — Node itself when it strips
 * types (Node 24, the image's runtime), else through tsx (Node 20). App and baseline alike.
 */
export const TS_LOADER: string[] = (process.features as { typescript?: string }).typescript
  ? []
  : ['--import', 'tsx']

export async function freePort(): Promise<number> {
  const server = createNetServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const { port } = server.address() as AddressInfo
  await new Promise((r) => server.close(r))
  return port
}

/** A token of `username` on the server at `base` (a failed sign-in throws, naming the status). */
export async function signIn(base: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  if (res.status !== 200) throw new Error(`sign-in of ${username}: ${res.status}`)
  return ((await res.json()) as { token: string }).token
}

/**
 * Starts a server process with its output in a file (a pipe read by this busy process would
 * block the server's synchronous stdout writes and measure the bench, not the server).
 */
export async function start(
  command: string[],
  env: Record<string, string>,
  logFile: string,
): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort()
  const out = openSync(logFile, 'a')
  const child = spawn(process.execPath, command, {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', out, out],
  })
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) break
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) return { child, port }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  child.kill('SIGTERM')
  throw new Error(
    `${command.join(' ')} did not start:\n${readFileSync(logFile, 'utf8').slice(-2000)}`,
  )
}
