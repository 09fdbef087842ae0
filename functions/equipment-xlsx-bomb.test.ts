// Hostile workbooks: a shared string that inflates to 100 MiB from a few hundred KB, a million
// rows, an entry that inflates beyond what its header declares, and an over-long cell. Each is
// refused without inflating the whole thing, memory stays flat, and /api/health keeps answering
// (p99 ≤ 500 ms) while the import runs.
import ExcelJS from 'exceljs'
import { strToU8, unzipSync, zipSync } from 'fflate'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { harness, type Harness } from '../test/app.ts'
import { listen, type Listening } from '../runtime/server.ts'

let h: Harness
let admin: string
let server: Listening
beforeAll(async () => {
  h = await harness()
  await h.makeUser({ username: 'bomb_admin', role: 'admin' })
  admin = await h.login('bomb_admin')
  server = await listen(h.app, { host: '127.0.0.1', port: 0, tls: null })
})
afterAll(async () => {
  await server.close(1000)
  await h.close()
})

/** A real workbook (header row + one row), its parts as a map, for surgery. */
async function parts(): Promise<Record<string, Uint8Array>> {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('Реестр')
  ws.addRow(['Наименование', 'Модель / тип'])
  ws.addRow(['Манометр', 'МП-100'])
  return unzipSync(new Uint8Array(await wb.xlsx.writeBuffer()))
}

const SHEET_HEAD =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' +
  '<row r="1"><c r="A1" t="inlineStr"><is><t>Наименование</t></is></c></row>'

/** Posts the import while probing /api/health every 20 ms; status, time, health p99, rss growth. */
async function importProbed(bytes: Uint8Array) {
  const rss0 = process.memoryUsage().rss
  let peak = rss0
  const latencies: number[] = []
  let done = false
  const probe = (async () => {
    while (!done) {
      const t0 = performance.now()
      await (await fetch(`${server.url}/api/health`)).arrayBuffer()
      latencies.push(performance.now() - t0)
      peak = Math.max(peak, process.memoryUsage().rss)
      await new Promise((r) => setTimeout(r, 20))
    }
  })()
  const t0 = performance.now()
  const res = await fetch(`${server.url}/api/equipment/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}` },
    body: Buffer.from(bytes),
  })
  const body = await res.json()
  const ms = performance.now() - t0
  done = true
  await probe
  latencies.sort((a, b) => a - b)
  const p99 = latencies[Math.floor(0.99 * (latencies.length - 1))] ?? 0
  const grewMiB = (peak - rss0) / 1024 / 1024
  console.log(
    `import ${res.status} in ${Math.round(ms)} ms; health p99 ${Math.round(p99)} ms ` +
      `(${latencies.length} probes); rss +${Math.round(grewMiB)} MiB`,
  )
  return { status: res.status, body, ms, p99, grewMiB }
}

it('a shared-string bomb (100 MiB from a small file) is refused before it is inflated', async () => {
  const p = await parts()
  p['xl/sharedStrings.xml'] = strToU8(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
      '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">' +
      `<si><t>${'a'.repeat(100 * 1024 * 1024)}</t></si></sst>`,
  )
  const bytes = zipSync(p, { level: 9 })
  expect(bytes.length).toBeLessThan(1024 * 1024)
  const r = await importProbed(bytes)
  expect(r.status).toBe(413)
  expect(r.body.error).toMatch(/слишком большой объём/)
  expect(r.ms).toBeLessThan(2000)
  expect(r.grewMiB).toBeLessThan(150)
  expect(r.p99).toBeLessThanOrEqual(500)
}, 60_000)

it('a million rows: 413 at the row limit, without reading the rest; health keeps answering', async () => {
  const p = await parts()
  const rows: string[] = [SHEET_HEAD]
  for (let r = 2; r <= 1_000_001; r++) rows.push(`<row r="${r}"><c r="A${r}"><v>${r}</v></c></row>`)
  rows.push('</sheetData></worksheet>')
  p['xl/worksheets/sheet1.xml'] = strToU8(rows.join(''))
  const bytes = zipSync(p, { level: 6 })
  const r = await importProbed(bytes)
  expect(r.status).toBe(413)
  expect(r.body.error).toMatch(/Не больше 100000 строк/)
  expect(r.ms).toBeLessThan(5000)
  expect(r.p99).toBeLessThanOrEqual(500)
}, 120_000)

it('an entry that inflates beyond the size its header declares is refused', async () => {
  const p = await parts()
  p['xl/sharedStrings.xml'] = strToU8(
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
      `<si><t>${'b'.repeat(200_000)}</t></si></sst>`,
  )
  const bytes = Buffer.from(zipSync(p, { level: 9 }))
  // the central directory's record of sharedStrings.xml: declare 1,000 bytes instead
  const name = Buffer.from('xl/sharedStrings.xml')
  for (let i = 0; i < bytes.length - 46; i++) {
    if (
      bytes.readUInt32LE(i) === 0x02014b50 &&
      bytes.subarray(i + 46, i + 46 + name.length).equals(name)
    ) {
      bytes.writeUInt32LE(1000, i + 24)
    }
  }
  const res = await h.call('POST', '/api/equipment/import', { token: admin, raw: bytes })
  expect(res.status).toBe(413)
})

it('an over-long cell is reported as a row problem', async () => {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('Реестр')
  ws.addRow(['Наименование', 'Модель / тип'])
  ws.addRow(['x'.repeat(40_000), 'МП-100'])
  const bytes = Buffer.from(await wb.xlsx.writeBuffer())
  const res = await h.call('POST', '/api/equipment/import?dry_run=1', { token: admin, raw: bytes })
  expect(res.status).toBe(400)
  const body = await res.json()
  const long = body.errors.find((e: { message: string }) => /длиннее/.test(e.message))
  expect(long).toMatchObject({ row: 2, column: 'Наименование' })
  expect(long.message).toMatch(/^Значение длиннее 32\s767 символов$/)
})

it('a file over the 20 MiB upload cap: 413 for a streamed body without a declared length', async () => {
  const cap = 20 * 1024 * 1024
  const chunk = Buffer.alloc(1024 * 1024, 0x41)
  chunk.writeUInt32LE(0x04034b50, 0) // starts like a zip
  let sent = 0
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent > cap) return controller.close()
      controller.enqueue(chunk)
      sent += chunk.length
    },
  })
  const streamed = await fetch(`${server.url}/api/equipment/import?dry_run=1`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}` },
    body,
    duplex: 'half',
  } as RequestInit)
  expect(streamed.status).toBe(413)
  expect((await streamed.json()).error).toBe('Файл слишком большой для загрузки')
})
