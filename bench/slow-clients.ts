// The slow-client attack and its health probe, each run as its own process by
// .ci/steps/35-slow-clients.sh (the server is a third):
//   attack URL --count N [--from ADDRESS] — N sockets from ADDRESS, each a POST head with
//     Content-Length: 100 and one body byte every 20 s; waits until the server has closed every
//     one (or --max-s), prints {opened, closed, shed_s, still_open} as JSON.
//   probe URL --seconds S — GET /api/health every 50 ms for S seconds, prints the latencies'
//     p50/p99/max and the failures as JSON.
import { connect, type Socket } from 'node:net'
import { parseArgs } from 'node:util'

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    count: { type: 'string', default: '20000' },
    from: { type: 'string', default: '127.0.0.2' },
    seconds: { type: 'string', default: '60' },
    'max-s': { type: 'string', default: '100' },
  },
})
const [mode, base] = positionals
const target = new URL(base)

async function attack() {
  const count = Number(values.count)
  const started = performance.now()
  let opened = 0
  let closed = 0
  let lastClose = 0
  let errors = 0
  const sockets = new Set<Socket>()
  const one = () =>
    new Promise<void>((resolve) => {
      const socket = connect({
        host: target.hostname,
        port: Number(target.port),
        localAddress: values.from,
      })
      socket.on('connect', () => {
        opened++
        sockets.add(socket)
        socket.write(
          `POST /api/auth/login HTTP/1.1\r\nHost: ${target.host}\r\n` +
            'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
        )
        resolve()
      })
      socket.on('error', () => {
        errors++
        resolve()
      })
      socket.on('close', () => {
        if (sockets.delete(socket)) {
          closed++
          lastClose = performance.now()
        }
        resolve()
      })
    })
  // open in waves of 500, as fast as the server accepts
  for (let i = 0; i < count; i += 500) {
    await Promise.all(Array.from({ length: Math.min(500, count - i) }, one))
  }
  const openedIn = (performance.now() - started) / 1000
  const drip = setInterval(() => {
    for (const s of sockets) if (s.writable) s.write(' ')
  }, 20_000)
  const deadline = started + Number(values['max-s']) * 1000
  while (sockets.size > 0 && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250))
  }
  clearInterval(drip)
  const result = {
    requested: count,
    opened,
    connect_errors: errors,
    closed,
    opened_in_s: Math.round(openedIn * 10) / 10,
    shed_s: Math.round(((lastClose || performance.now()) - started) / 100) / 10,
    still_open: sockets.size,
  }
  for (const s of sockets) s.destroy()
  console.log(JSON.stringify(result))
}

async function probe() {
  const until = performance.now() + Number(values.seconds) * 1000
  const latencies: number[] = []
  let failures = 0
  while (performance.now() < until) {
    const t0 = performance.now()
    try {
      const res = await fetch(new URL('/api/health', target), {
        signal: AbortSignal.timeout(5000),
      })
      await res.arrayBuffer()
      if (!res.ok) failures++
    } catch {
      failures++
    }
    latencies.push(performance.now() - t0)
    await new Promise((r) => setTimeout(r, 50))
  }
  latencies.sort((a, b) => a - b)
  const at = (q: number) => Math.round(latencies[Math.floor(q * (latencies.length - 1))] ?? 0)
  console.log(
    JSON.stringify({
      requests: latencies.length,
      failures,
      p50_ms: at(0.5),
      p99_ms: at(0.99),
      max_ms: at(1),
    }),
  )
}

if (mode === 'attack') await attack()
else if (mode === 'probe') await probe()
else {
  process.stderr.write('usage: slow-clients.ts attack|probe URL [options]\n')
  process.exit(64)
}
