// The server process's CPU per request, app against its bare baseline: the framework's fixed cost
// measured directly, robust to other work on the machine (throughput is not). For each path: a
// warm-up, then ROUNDS × N requests at 20 connections; the process's utime + stime (/proc) over
// each batch ÷ N. App and baseline run one after the other, each in its own process, as in
// `npm run bench`.
//   node --import tsx bench/cpu-per-request.ts [--paths /api/health,/api/equipment/:id]
//     [--requests 20000] [--rounds 3] [--size 1000]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { BENCH_PASSWORD, benchDatabase } from './database.ts'
import { signIn, start, TS_LOADER } from './process.ts'

const { values: args } = parseArgs({
  options: {
    paths: { type: 'string', default: '/api/health,/api/equipment/:id' },
    requests: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '3' },
    size: { type: 'string', default: '1000' },
  },
})
const N = Number(args.requests)
const CONNECTIONS = 20

/** utime + stime of a process, µs (the kernel counts in 1/100 s) */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10_000
}

const db = await benchDatabase(Number(args.size))
const dataDir = mkdtempSync(join(tmpdir(), 'deltica-cpu-'))
try {
  const [{ id }] = await db.sql`select id from equipment_active order by id desc limit 1`
  const env = {
    DATABASE_URL: db.url,
    HOST: '127.0.0.1',
    SECRET_KEY: 'k'.repeat(64),
    DATA_DIR: dataDir,
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
  }
  const servers = [
    ['app', [...TS_LOADER, 'runtime/main.ts']],
    ['bare', [...TS_LOADER, 'bench/bare.ts']],
  ] as const
  console.log(
    `Node CPU per request, µs (${N} requests × ${args.rounds}, ${CONNECTIONS} connections)`,
  )
  for (const [name, command] of servers) {
    const server = await start([...command], env, join(dataDir, `${name}.out`))
    try {
      const base = `http://127.0.0.1:${server.port}`
      const token = await signIn(base, 'bench', BENCH_PASSWORD)
      const headers = { authorization: `Bearer ${token}` }
      for (const path of args.paths.split(',').map((p) => p.replace(':id', String(id)))) {
        await autocannon({ url: base + path, connections: CONNECTIONS, amount: 4000, headers })
        const figures: string[] = []
        for (let round = 0; round < Number(args.rounds); round++) {
          const before = cpuMicros(server.child.pid!)
          const result = await autocannon({
            url: base + path,
            connections: CONNECTIONS,
            amount: N,
            headers,
          })
          if (result.non2xx || result.errors) throw new Error(`${name} ${path}: failed requests`)
          figures.push(((cpuMicros(server.child.pid!) - before) / N).toFixed(0))
        }
        console.log(`${name.padEnd(5)} ${path.padEnd(28)} ${figures.join(' ')}`)
      }
    } finally {
      server.child.kill('SIGTERM')
      await new Promise((r) => setTimeout(r, 400))
    }
  }
} finally {
  await db.drop()
  rmSync(dataDir, { recursive: true, force: true })
}
