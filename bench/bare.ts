// The baseline the benchmark compares the app against: a bare node:http server with the same
// postgres.js pool options, running the SAME SQL builders (domain/) with no framework —
// no router, no zod, no auth check, no access log, no security headers. The ratio app/bare is
// what the framework costs. `/limit/equipment` is the limit row: the first page with the cheapest
// correct SQL and no count.
//   DATABASE_URL=… PORT=… node --import tsx bench/bare.ts
import { createServer } from 'node:http'
import { connectUrl } from '../runtime/db.ts'
import { signToken, verifyPassword } from '../runtime/auth.ts'
import { ListQuery, listInstruments } from '../domain/equipment/query.ts'
import { fullRecord } from '../domain/equipment/record.ts'
import { findUserByName } from '../domain/users/accounts.ts'
import { recordAudit } from '../domain/audit/record.ts'
import type { User } from '../runtime/endpoint.ts'
import { columnsFor } from '../domain/equipment/fields.ts'

const sql = connectUrl(process.env.DATABASE_URL!, Number(process.env.DB_POOL_SIZE ?? 20))
const secret = process.env.SECRET_KEY ?? 'x'.repeat(32)
const admin: User = {
  id: 0,
  username: 'bench',
  full_name: '',
  department: null,
  role: 'admin',
  token_version: 0,
}

const send = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
  res.end(text)
}

const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url ?? '/', 'http://bare')
    if (url.pathname === '/api/health') {
      await sql`select 1`
      return send(res, 200, { status: 'ok', db: 'ok', version: 'bare' })
    }
    if (url.pathname === '/api/equipment') {
      const query: Record<string, string> = Object.fromEntries(url.searchParams)
      const p = ListQuery.parse(query)
      const [{ value }] = await sql`select value from settings where key = 'expiring_days'`
      const text = await listInstruments(sql, admin, p, Number(value))
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
      return res.end(text)
    }
    if (url.pathname === '/limit/equipment') {
      // the limit row: the first page with the cheapest correct SQL — the admin's columns of the
      // first 100 active instruments by id, no count, no filter builder, no schema
      const limit = Number(url.searchParams.get('limit') ?? 100)
      const items = await sql`
        select ${sql(columnsFor(admin))} from equipment_active order by id limit ${limit}`
      return send(res, 200, { items })
    }
    const m = /^\/api\/equipment\/(\d+)$/.exec(url.pathname)
    if (m) return send(res, 200, await fullRecord(sql, admin, Number(m[1])))
    if (url.pathname === '/api/auth/login' && req.method === 'POST') {
      const chunks: Buffer[] = []
      for await (const c of req) chunks.push(c as Buffer)
      const { username, password } = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      const user = await findUserByName(sql, username)
      if (
        !user ||
        !(await verifyPassword(
          password,
          (await sql`select password_hash from users where id = ${user.id}`)[0].password_hash,
        ))
      )
        return send(res, 401, { error: 'no' })
      const [fresh] = await sql`
        update users set failed_logins = 0, locked_until = null
        where id = ${user.id}
        returning token_version`
      await recordAudit(
        sql,
        { user: { ...admin, id: user.id, username: user.username }, ip: '127.0.0.1' },
        {
          action: 'login_success',
          entity: 'user',
          entityId: user.id,
        },
      )
      const token = await signToken({ userId: user.id, tokenVersion: fresh.token_version }, secret)
      return send(res, 200, { token, user: { id: user.id, username: user.username } })
    }
    send(res, 404, { error: 'not found' })
  } catch (error) {
    send(res, 500, { error: String(error) })
  }
})
server.keepAliveTimeout = 65_000
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address()
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : ''}\n`)
})
process.on('SIGTERM', () => server.close(() => sql.end().then(() => process.exit(0))))
