// Windows sign-in time: a temporary realm (test/kdc.ts), the real app over HTTP, and 20 sign-ins
// done as Chromium does them — POST /api/auth/negotiate → 401 Negotiate, a fresh SPNEGO token from
// the user's ticket (the `kerberos` module's client side), POST again with it → {token, user}.
// Prints the median and p90 of the whole exchange and of the server's part (the second request).
//   TEST_DATABASE_URL=postgres://… npm run bench:sso   (embedded PGlite without it)
import { join } from 'node:path'
import { listen } from '../runtime/server.ts'
import { harness } from '../test/app.ts'
import { kdcMissing, startKdc } from '../test/kdc.ts'

const RUNS = 20
const missing = await kdcMissing()
if (missing) {
  console.error(`bench:sso needs Kerberos here: ${missing}`)
  process.exit(1)
}
const kdc = await startKdc()
kdc.useIn(process.env)
const keytab = join(kdc.dir, 'http.keytab')
kdc.addService('HTTP/localhost', keytab)
kdc.addUser('ivanova', 'ivanova-Pa55word')
process.env.KRB5CCNAME = kdc.kinit('ivanova', 'ivanova-Pa55word')
process.env.KRB5_KTNAME = `FILE:${keytab}`
const k = (await import('kerberos' as string)) as {
  initializeClient(s: string, o: object): Promise<{ step(c: string): Promise<string> }>
  GSS_MECH_OID_SPNEGO: unknown
}
const h = await harness({ config: { kerberos: { spn: 'HTTP/localhost', keytab } } })
await h.makeUser({ username: 'ivanova', role: 'laborant' })
await h.sql`update users set windows_username = 'CORP\\ivanova' where username = 'ivanova'`
const server = await listen(h.app, { host: '127.0.0.1', port: 0, tls: null })
const url = `http://localhost:${new URL(server.url).port}/api/auth/negotiate`

const whole: number[] = []
const serverPart: number[] = []
for (let i = 0; i < RUNS + 2; i++) {
  const t0 = performance.now()
  const challenge = await fetch(url, { method: 'POST' })
  await challenge.arrayBuffer()
  if (challenge.status !== 401) throw new Error(`challenge: ${challenge.status}`)
  const client = await k.initializeClient('HTTP@localhost', { mechOID: k.GSS_MECH_OID_SPNEGO })
  const token = await client.step('')
  const t1 = performance.now()
  const r = await fetch(url, { method: 'POST', headers: { authorization: `Negotiate ${token}` } })
  const body = (await r.json()) as { token?: string }
  const t2 = performance.now()
  if (r.status !== 200 || !body.token)
    throw new Error(`sign-in: ${r.status} ${JSON.stringify(body)}`)
  if (i < 2) continue // warm-up: the module's first load, the first connections
  whole.push(t2 - t0)
  serverPart.push(t2 - t1)
}

const at = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]
const ms = (x: number) => `${x.toLocaleString('ru-RU', { maximumFractionDigits: 1 })} мс`
console.log(
  `Вход через Windows, ${RUNS} входов (${h.db.kind === 'postgres' ? 'PostgreSQL' : 'PGlite'}):`,
)
console.log(
  `  весь обмен (401 → билет → вход): медиана ${ms(at(whole, 0.5))}, p90 ${ms(at(whole, 0.9))}`,
)
console.log(
  `  запрос с билетом на сервере:     медиана ${ms(at(serverPart, 0.5))}, p90 ${ms(at(serverPart, 0.9))}`,
)
await server.close(1000)
await h.close()
await kdc.stop()
