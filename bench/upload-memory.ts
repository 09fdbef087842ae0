// Upload memory check: starts a real server process, streams a 100 MiB file to
// POST /api/upload/equipment/:id and samples the server's RSS (/proc/<pid>/status) while it
// runs. Prints baseline, peak and growth; fails when the growth passes MAX_GROWTH_MB or the
// stored file's hash differs from what was sent. Then cuts an upload off mid-stream (the client's
// socket destroyed) and checks that neither a file (nor its temp file) nor a row remains.
//   TEST_DATABASE_URL=postgres://… node --import tsx bench/upload-memory.ts
// It needs TEST_DATABASE_URL (a real PostgreSQL): the instrument is inserted directly, and the
// embedded database would add its own memory to the server process being measured.
import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectUrl } from '../runtime/db.ts'
import { insertEquipment } from '../test/samples.ts'
import { signIn } from './process.ts'

const SIZE_MB = Number(process.env.UPLOAD_MB ?? 100)
const MAX_GROWTH_MB = Number(process.env.MAX_GROWTH_MB ?? 64)
const PORT = 18000 + Math.floor(Math.random() * 1000)
const PASSWORD = 'bench-admin-pass-1'
const base = `http://127.0.0.1:${PORT}`

const rssMb = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : NaN
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'deltica-upload-mem-'))
  const serverUrl = process.env.TEST_DATABASE_URL
  if (!serverUrl) throw new Error('set TEST_DATABASE_URL to a PostgreSQL server')
  const dbName = `deltica_upload_mem_${process.pid}`
  const admin = connectUrl(serverUrl, 1)
  await admin.unsafe(`create database ${dbName}`)
  const u = new URL(serverUrl)
  u.pathname = `/${dbName}`
  const dbUrl = u.toString()
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    DATA_DIR: dataDir,
    PORT: String(PORT),
    HOST: '127.0.0.1',
    ADMIN_PASSWORD: PASSWORD,
    LOG_LEVEL: 'warn',
  }
  env.DATABASE_URL = dbUrl
  const server = spawn(process.execPath, ['--import', 'tsx', 'runtime/main.ts'], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const cleanup = async () => {
    server.kill('SIGTERM')
    await new Promise((r) => server.once('exit', r))
    rmSync(dataDir, { recursive: true, force: true })
    await admin.unsafe(`drop database if exists ${dbName} with (force)`)
    await admin.end()
  }

  try {
    for (let i = 0; ; i++) {
      if (i > 240) throw new Error('server did not start')
      const ok = await fetch(`${base}/api/health`).then(
        (r) => r.ok,
        () => false,
      )
      if (ok) break
      await sleep(250)
    }
    const token = await signIn(base, 'admin', PASSWORD)
    const auth = { authorization: `Bearer ${token}` }
    // the settings are saved with the version read, as the settings form does
    const { version } = (await (await fetch(`${base}/api/settings`, { headers: auth })).json()) as {
      version: number
    }
    const put = await fetch(`${base}/api/settings`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ version, upload_max_mb: SIZE_MB + 10 }),
    })
    if (!put.ok) throw new Error(`settings refused: ${put.status} ${await put.text()}`)
    const sql = connectUrl(dbUrl, 1)
    const equipmentId = await insertEquipment(sql, { department: 'gtl' })
    await sql.end()

    // warm-up: the same code path once with a small file, then settle
    await send(equipmentId, token, 1)
    await sleep(1000)
    const baseline = rssMb(server.pid!)
    let peak = baseline
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMb(server.pid!))
    }, 20)
    const started = performance.now()
    const result = await send(equipmentId, token, SIZE_MB)
    const seconds = (performance.now() - started) / 1000
    clearInterval(sampler)
    const after = rssMb(server.pid!)

    const growth = peak - baseline
    console.log(
      JSON.stringify({
        upload_mb: SIZE_MB,
        status: result.status,
        seconds: Math.round(seconds * 10) / 10,
        mb_per_s: Math.round((SIZE_MB / seconds) * 10) / 10,
        rss_baseline_mb: Math.round(baseline),
        rss_peak_mb: Math.round(peak),
        rss_after_mb: Math.round(after),
        rss_growth_mb: Math.round(growth),
      }),
    )
    if (result.status !== 201) throw new Error(`upload failed: ${result.status} ${result.body}`)
    const stored = JSON.parse(result.body) as { sha256: string; size: number }
    if (stored.sha256 !== result.sha256 || stored.size !== SIZE_MB * 1024 * 1024) {
      throw new Error('stored hash or size differs from what was sent')
    }
    if (growth > MAX_GROWTH_MB) {
      throw new Error(
        `server RSS grew ${growth.toFixed(0)} MB during the upload (max ${MAX_GROWTH_MB})`,
      )
    }
    console.log(`upload memory: ok (growth ${growth.toFixed(0)} MB ≤ ${MAX_GROWTH_MB} MB)`)

    const cut = await send(equipmentId, token, 20, 5)
    await sleep(1000)
    const dir = join(dataDir, 'uploads', 'equipment', String(equipmentId))
    const onDisk = readdirSync(dir)
    const check = connectUrl(dbUrl, 1)
    const [{ n }] = await check`
      select count(*)::int as n from equipment_file where equipment_id = ${equipmentId}`
    await check.end()
    if (
      cut.status !== 0 ||
      onDisk.length !== 2 ||
      n !== 2 ||
      onDisk.some((f) => f.endsWith('.part'))
    ) {
      throw new Error(`a cut-off upload left something: files ${onDisk.join(', ')}; rows ${n}`)
    }
    console.log('cut-off upload: ok (no file, no temp file, no row)')
  } finally {
    await cleanup()
  }
}

/**
 * Streams a multipart body with `mb` MiB of PDF-looking bytes, generated chunk by chunk; with
 * `cutAfterMb` the socket is destroyed after that much (status 0).
 */
function send(
  equipmentId: number,
  token: string,
  mb: number,
  cutAfterMb?: number,
): Promise<{ status: number; body: string; sha256: string }> {
  const boundary = '----deltica-bench'
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="category"\r\n\r\ngeneral_docs\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="Большой файл.pdf"\r\n` +
      `Content-Type: application/pdf\r\n\r\n`,
  )
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  const total = mb * 1024 * 1024
  const hash = createHash('sha256')
  const chunk = randomBytes(64 * 1024)
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}/api/upload/equipment/${equipmentId}`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(head.length + total + tail.length),
        },
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (d) => (body += d))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, sha256: hash.digest('hex') }),
        )
      },
    )
    req.on('error', (error) =>
      cutAfterMb ? resolve({ status: 0, body: '', sha256: '' }) : reject(error),
    )
    req.write(head)
    let sent = 0
    const pump = () => {
      while (sent < total) {
        let part = chunk.subarray(0, Math.min(chunk.length, total - sent))
        if (sent === 0) part = Buffer.concat([Buffer.from('%PDF-1.7\n'), part.subarray(9)])
        hash.update(part)
        sent += part.length
        if (cutAfterMb && sent >= cutAfterMb * 1024 * 1024) {
          req.destroy()
          return
        }
        if (!req.write(part)) {
          req.once('drain', pump)
          return
        }
      }
      req.end(tail)
    }
    pump()
  })
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
