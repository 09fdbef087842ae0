// Files attached to instruments: size boundaries, the extension × content matrix, hostile names,
// Cyrillic names round-tripping byte for byte, parallel uploads, cut-off uploads, bytes on disk,
// order/pin/category/delete, and department scoping — against the real app, database and disk.
import { settingsChanged } from '../domain/settings/registry.ts'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { harness, type Harness } from '../test/app.ts'
import { insertEquipment, multipart, SAMPLES, type Part } from '../test/samples.ts'
import { contentDisposition } from '../runtime/content-disposition.ts'
import { sanitizeFileName } from '../runtime/files/names.ts'
import { equipmentDir, uploadsDir } from '../test/files.ts'

let h: Harness
let admin: string
let laborant: string
let otherLaborant: string
let eq: number

const sha = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex')

/** every file under DATA_DIR/uploads, relative */
function filesOnDisk(): string[] {
  const root = uploadsDir(h.config.dataDir)
  if (!existsSync(root)) return []
  return (readdirSync(root, { recursive: true, withFileTypes: true }) as any[])
    .filter((d) => d.isFile())
    .map((d) => relative(root, join(d.parentPath ?? d.path, d.name)))
    .sort()
}

function upload(
  equipmentId: number,
  filename: string,
  content: Buffer,
  opts: { category?: string; token?: string; extra?: Part[] } = {},
) {
  const parts: Part[] = [
    ...(opts.category === undefined ? [{ name: 'category', value: 'verification_docs' }] : []),
    ...(opts.category !== undefined && opts.category !== ''
      ? [{ name: 'category', value: opts.category }]
      : []),
    { name: 'file', filename, content },
    ...(opts.extra ?? []),
  ]
  const { body, contentType } = multipart(parts)
  return h.call('POST', `/api/upload/equipment/${equipmentId}`, {
    token: opts.token ?? admin,
    headers: { 'content-type': contentType },
    raw: body,
  })
}

function decodeFilenameStar(header: string | null): string {
  const m = /filename\*=UTF-8''([^;]+)/.exec(header ?? '')
  return m ? decodeURIComponent(m[1]) : ''
}

beforeAll(async () => {
  h = await harness()
  await h.makeUser({ username: 'boss', role: 'admin' })
  await h.makeUser({ username: 'lab', role: 'laborant', department: 'gtl' })
  await h.makeUser({ username: 'lab2', role: 'laborant', department: 'lbr' })
  admin = await h.login('boss')
  laborant = await h.login('lab')
  otherLaborant = await h.login('lab2')
  await h.sql`update settings set value = '1' where key = 'upload_max_mb'`
  await settingsChanged(h.app)
})
afterAll(() => h.close())
beforeEach(async () => {
  eq = await insertEquipment(h.sql, { department: 'gtl' })
})

describe('size limits (upload_max_mb = 1)', () => {
  const limit = 1024 * 1024
  const pdfOf = (size: number) => {
    const b = Buffer.alloc(size, 0x20)
    SAMPLES.pdf.copy(b)
    return b
  }

  it('accepts exactly the limit', async () => {
    const res = await upload(eq, 'ровно.pdf', pdfOf(limit))
    expect(res.status).toBe(201)
    expect((await res.json()).size).toBe(limit)
  })

  it('refuses one byte more with 413 and leaves nothing', async () => {
    const before = filesOnDisk()
    const res = await upload(eq, 'больше.pdf', pdfOf(limit + 1))
    expect(res.status).toBe(413)
    expect((await res.json()).error).toMatch(/допустимого размера/)
    expect(filesOnDisk()).toEqual(before)
    const [{ n }] =
      await h.sql`select count(*)::int as n from equipment_file where equipment_id = ${eq}`
    expect(n).toBe(0)
  })

  it('refuses a streamed body (no Content-Length) past the limit, keeping nothing', async () => {
    const { body, contentType } = multipart([
      { name: 'category', value: 'general_docs' },
      { name: 'file', filename: 'поток.pdf', content: pdfOf(20 * limit) },
    ])
    let pulled = 0
    const chunk = 64 * 1024
    const stream = new ReadableStream({
      pull(controller) {
        if (pulled >= body.length) return controller.close()
        controller.enqueue(body.slice(pulled, pulled + chunk))
        pulled += chunk
      },
    })
    const res = await h.app.fetch(
      new Request(`http://deltica.test/api/upload/equipment/${eq}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': contentType },
        body: stream,
        duplex: 'half',
      } as RequestInit),
    )
    expect(res.status).toBe(413)
    // the rest is read and discarded (not written), so the client gets its answer
    expect(pulled).toBeGreaterThanOrEqual(body.length)
    expect(readdirSync(equipmentDir(h.config.dataDir, eq))).toEqual([])
  })

  it('refuses an empty file with 400 «Файл пуст»', async () => {
    const res = await upload(eq, 'пусто.pdf', Buffer.alloc(0))
    expect(res.status).toBe(400)
    expect((await res.json()).error).toBe('Файл пуст')
    expect(readdirSync(equipmentDir(h.config.dataDir, eq))).toEqual([])
  })

  it('refuses a declared body far beyond the limit before reading it', async () => {
    const res = await h.call('POST', `/api/upload/equipment/${eq}`, {
      token: admin,
      headers: {
        'content-type': 'multipart/form-data; boundary=x',
        'content-length': String(50 * limit),
      },
      raw: Buffer.from('--x--\r\n'),
    })
    expect(res.status).toBe(413)
  })
})

describe('type check: extension and content', () => {
  it.each([
    ['Свидетельство.pdf', 'pdf', 'application/pdf'],
    ['Протокол.doc', 'doc', 'application/msword'],
    [
      'Паспорт.docx',
      'docx',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ],
    ['Таблица.xls', 'xls', 'application/vnd.ms-excel'],
    ['Таблица.xlsx', 'xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ['Фото.jpg', 'jpg', 'image/jpeg'],
    ['Фото.jpeg', 'jpg', 'image/jpeg'],
    ['Схема.png', 'png', 'image/png'],
    ['UPPER.PDF', 'pdf', 'application/pdf'],
    [
      'Mixed.DocX',
      'docx',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ],
    ['photo.JpEg', 'jpg', 'image/jpeg'],
  ] as const)('accepts %s', async (name, sample, mime) => {
    const res = await upload(eq, name, SAMPLES[sample])
    expect(res.status, await res.clone().text()).toBe(201)
    const body = await res.json()
    expect(body.mime).toBe(mime)
    expect(body.original_name).toBe(name)
  })

  it.each([
    ['setup.exe', SAMPLES.exe],
    ['run.bat', Buffer.from('@echo off\r\ndel /q *\r\n')],
    ['run.sh', SAMPLES.sh],
    ['tool.py', Buffer.from('import os\n')],
    ['prog.com', SAMPLES.exe],
    ['screen.scr', SAMPLES.exe],
    ['file.pdf.exe', SAMPLES.pdf],
    ['no-extension', SAMPLES.pdf],
    ['archive.zip', SAMPLES.zip],
    ['renamed-exe.pdf', SAMPLES.exe],
    ['renamed-exe.DOCX', SAMPLES.exe],
    ['renamed-sh.png', SAMPLES.sh],
    ['pdf-as.jpg', SAMPLES.pdf],
    ['png-as.pdf', SAMPLES.png],
    ['plain-zip.docx', SAMPLES.zip],
    ['docx-as.xlsx', SAMPLES.docx],
    ['xlsx-as.docx', SAMPLES.xlsx],
    ['exe-as.doc', SAMPLES.exe],
  ])('refuses %s with 415 and leaves nothing', async (name, content) => {
    const res = await upload(eq, name, content)
    expect(res.status).toBe(415)
    expect((await res.json()).error).toMatch(/тип файла|не соответствует/)
    expect(readdirSync(equipmentDir(h.config.dataDir, eq))).toEqual([])
  })

  it('a bidi override cannot disguise an executable', async () => {
    const res = await upload(eq, 'отчёт\u202Efdp.exe', SAMPLES.exe)
    expect(res.status).toBe(415)
    const ok = await upload(eq, 'отчёт\u202E\u200F.pdf', SAMPLES.pdf)
    expect(ok.status).toBe(201)
    expect((await ok.json()).original_name).toBe('отчёт.pdf')
  })
})

describe('names', () => {
  it.each([
    ['../../etc/passwd.pdf', 'passwd.pdf'],
    ['..\\..\\windows\\system32\\config.pdf', 'config.pdf'],
    ['/etc/shadow.pdf', 'shadow.pdf'],
    ['C:\\Windows\\boot.pdf', 'boot.pdf'],
    ['evil\u0000name.pdf', 'evilname.pdf'],
    ['tab\tand\r\nnewline.pdf', 'tabandnewline.pdf'],
    ['..pdf', 'pdf'],
  ])('stores %j safely as %j', async (sent, shown) => {
    const res = await upload(eq, sent, SAMPLES.pdf)
    if (shown === 'pdf') {
      // nothing is left of the name but dots: no extension, refused
      expect(res.status).toBe(415)
      return
    }
    expect(res.status, await res.clone().text()).toBe(201)
    const file = await res.json()
    expect(file.original_name).toBe(shown)
    const onDisk = filesOnDisk()
    for (const f of onDisk) expect(f).toMatch(/^equipment\/\d+\/[0-9a-f-]{36}\.[a-z]{3,4}$/)
    const dl = await h.call('GET', `/api/upload/${file.id}?download=1`, { token: admin })
    const cd = dl.headers.get('content-disposition')!
    expect(cd).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/)
    expect(cd).not.toMatch(/[/\\\x00-\x1f]/)
    expect(decodeFilenameStar(cd)).toBe(shown)
  })

  it('a traversal name without an allowed extension writes nothing anywhere', async () => {
    const before = filesOnDisk()
    const res = await upload(eq, '../../etc/passwd', SAMPLES.pdf)
    expect(res.status).toBe(415)
    expect(filesOnDisk()).toEqual(before)
    expect(existsSync(join(h.config.dataDir, 'etc'))).toBe(false)
  })

  it.each([
    'Свидетельство о поверке № 123 (копия).pdf',
    'Паспорт «МП-100» — ТЦСМ, ред. 2.docx',
    '2025_Калибровка Report final [v2] 100%.xlsx',
    'Ёлка; ёж = «ЁЖ» & co. ’quotes’ "dq".png',
    'Scan 日本 🙂.jpg',
  ])('round-trips %j byte for byte (list, view, download)', async (name) => {
    const kind = name.split('.').pop()!.toLowerCase() as keyof typeof SAMPLES
    const res = await upload(eq, name, SAMPLES[kind])
    expect(res.status, await res.clone().text()).toBe(201)
    const file = await res.json()
    expect(Buffer.from(file.original_name)).toEqual(Buffer.from(name))
    const list = await (await h.call('GET', `/api/upload/equipment/${eq}`, { token: admin })).json()
    expect(list.items.map((f: any) => f.original_name)).toEqual([name])
    const view = await h.call('GET', `/api/upload/${file.id}`, { token: admin })
    expect(view.headers.get('content-disposition')).toMatch(/^inline; /)
    expect(decodeFilenameStar(view.headers.get('content-disposition'))).toBe(name)
    const dl = await h.call('GET', `/api/upload/${file.id}?download=1`, { token: admin })
    expect(dl.headers.get('content-disposition')).toMatch(/^attachment; /)
    expect(decodeFilenameStar(dl.headers.get('content-disposition'))).toBe(name)
    expect(dl.headers.get('content-disposition')).toMatch(/^attachment; filename="[\x20-\x7e]+"; /)
    expect(Buffer.from(await dl.arrayBuffer())).toEqual(SAMPLES[kind])
  })
})

describe('sanitizeFileName', () => {
  it('keeps the extension when cutting a long name to 255 characters', () => {
    const long = 'Протокол '.repeat(40) + '.pdf'
    const cut = sanitizeFileName(long)
    expect([...cut]).toHaveLength(255)
    expect(cut.endsWith('.pdf')).toBe(true)
    expect(sanitizeFileName('😀'.repeat(300) + '.png')).toMatch(/^(😀){251}\.png$/)
  })

  it('removes paths, control and bidi characters, leading dots; keeps the rest as is', () => {
    expect(sanitizeFileName('a/b\\c\u0007d\u202ee.pdf')).toBe('cde.pdf')
    expect(sanitizeFileName('  ...скрытый.pdf ')).toBe('скрытый.pdf')
    const nfd = 'Й'.normalize('NFD') + '.pdf'
    expect(sanitizeFileName(nfd)).toBe(nfd)
  })
})

describe('content disposition', () => {
  it('sends a readable ASCII fallback next to the exact UTF-8 name', () => {
    expect(contentDisposition('attachment', 'Свидетельство № 5 (копия).pdf')).toBe(
      `attachment; filename="Svidetelstvo N 5 (kopiia).pdf"; filename*=UTF-8''` +
        '%D0%A1%D0%B2%D0%B8%D0%B4%D0%B5%D1%82%D0%B5%D0%BB%D1%8C%D1%81%D1%82%D0%B2%D0%BE%20%E2%84%96%205%20%28%D0%BA%D0%BE%D0%BF%D0%B8%D1%8F%29.pdf',
    )
    expect(contentDisposition('inline', 'Паспорт «ЩИТ» 100% "x";y.pdf')).toBe(
      `inline; filename="Pasport 'ShchIT' 100_ _x__y.pdf"; filename*=UTF-8''` +
        encodeURIComponent('Паспорт «ЩИТ» 100% "x";y.pdf'),
    )
    expect(contentDisposition('inline', '日本.png')).toMatch(/^inline; filename="__.png"; /)
  })
})

describe('storage', () => {
  it('bytes on disk equal bytes sent (hash), and the download returns them', async () => {
    const content = Buffer.concat([
      SAMPLES.pdf,
      Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251)),
    ])
    const res = await upload(eq, 'большой.pdf', content)
    const file = await res.json()
    expect(file.sha256).toBe(sha(content))
    const [row] = await h.sql`select storage_name from equipment_file where id = ${file.id}`
    const disk = readFileSync(join(equipmentDir(h.config.dataDir, eq), row.storage_name))
    expect(sha(disk)).toBe(sha(content))
    const dl = await h.call('GET', `/api/upload/${file.id}`, { token: admin })
    expect(dl.headers.get('content-length')).toBe(String(content.length))
    expect(dl.headers.get('content-type')).toBe('application/pdf')
    expect(dl.headers.get('cache-control')).toBe('private, no-store')
    expect(sha(Buffer.from(await dl.arrayBuffer()))).toBe(sha(content))
  })

  it('two parallel uploads with the same name are both kept', async () => {
    const a = Buffer.concat([SAMPLES.pdf, Buffer.from('A'.repeat(50_000))])
    const b = Buffer.concat([SAMPLES.pdf, Buffer.from('B'.repeat(70_000))])
    const [ra, rb] = await Promise.all([upload(eq, 'Паспорт.pdf', a), upload(eq, 'Паспорт.pdf', b)])
    expect([ra.status, rb.status]).toEqual([201, 201])
    const [fa, fb] = [await ra.json(), await rb.json()]
    expect(fa.id).not.toBe(fb.id)
    expect(new Set([fa.position, fb.position]).size).toBe(2)
    const rows =
      await h.sql`select sha256, storage_name from equipment_file where equipment_id = ${eq}`
    expect(rows.map((r) => r.sha256).sort()).toEqual([sha(a), sha(b)].sort())
    expect(readdirSync(equipmentDir(h.config.dataDir, eq)).sort()).toEqual(
      rows.map((r) => r.storage_name).sort(),
    )
  })

  it('an upload cut off mid-stream leaves no file and no row', async () => {
    const { body, contentType } = multipart([
      { name: 'category', value: 'general_docs' },
      {
        name: 'file',
        filename: 'обрыв.pdf',
        content: Buffer.concat([SAMPLES.pdf, Buffer.alloc(200_000, 7)]),
      },
    ])
    const cut = body.subarray(0, 120_000)
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(cut.subarray(0, 60_000))
        setTimeout(() => {
          controller.enqueue(cut.subarray(60_000))
          setTimeout(() => controller.error(new Error('connection reset')), 10)
        }, 10)
      },
    })
    const res = await h.app.fetch(
      new Request(`http://deltica.test/api/upload/equipment/${eq}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': contentType },
        body: stream,
        duplex: 'half',
      } as RequestInit),
    )
    expect(res.status).toBe(400)
    expect((await res.json()).error).toMatch(/прервана/)
    expect(readdirSync(equipmentDir(h.config.dataDir, eq))).toEqual([])
    const [{ n }] =
      await h.sql`select count(*)::int as n from equipment_file where equipment_id = ${eq}`
    expect(n).toBe(0)
  })

  it('a body that ends before the closing boundary leaves nothing', async () => {
    const { body, contentType } = multipart([
      { name: 'category', value: 'general_docs' },
      {
        name: 'file',
        filename: 'обрыв.pdf',
        content: Buffer.concat([SAMPLES.pdf, Buffer.alloc(50_000, 7)]),
      },
    ])
    const res = await h.call('POST', `/api/upload/equipment/${eq}`, {
      token: admin,
      headers: { 'content-type': contentType },
      raw: body.subarray(0, 30_000),
    })
    expect(res.status).toBe(400)
    expect(readdirSync(equipmentDir(h.config.dataDir, eq))).toEqual([])
  })

  it('a missing or unknown category is 400 and nothing is kept', async () => {
    const none = await upload(eq, 'a.pdf', SAMPLES.pdf, { category: '' })
    expect(none.status).toBe(400)
    const bad = await upload(eq, 'a.pdf', SAMPLES.pdf, { category: 'secret_docs' })
    expect(bad.status).toBe(400)
    expect((await bad.json()).fields[0].field).toBe('category')
    expect(readdirSync(equipmentDir(h.config.dataDir, eq))).toEqual([])
  })

  it('not multipart, no file part, two files → 400', async () => {
    const json = await h.call('POST', `/api/upload/equipment/${eq}`, {
      token: admin,
      body: { a: 1 },
    })
    expect(json.status).toBe(400)
    const { body, contentType } = multipart([{ name: 'category', value: 'general_docs' }])
    const noFile = await h.call('POST', `/api/upload/equipment/${eq}`, {
      token: admin,
      headers: { 'content-type': contentType },
      raw: body,
    })
    expect(noFile.status).toBe(400)
    const two = await upload(eq, 'a.pdf', SAMPLES.pdf, {
      extra: [{ name: 'file', filename: 'b.pdf', content: SAMPLES.pdf }],
    })
    expect(two.status).toBe(400)
    expect(readdirSync(equipmentDir(h.config.dataDir, eq))).toEqual([])
  })

  it('an unknown instrument is 404', async () => {
    const res = await upload(999_999, 'a.pdf', SAMPLES.pdf)
    expect(res.status).toBe(404)
  })
})

describe('order, pin, category, delete', () => {
  it('lists in user order; the new order persists; pins and categories change; audited', async () => {
    const ids: number[] = []
    for (const n of ['1.pdf', '2.png', '3.docx']) {
      const kind = n.split('.')[1] as keyof typeof SAMPLES
      ids.push((await (await upload(eq, n, SAMPLES[kind])).json()).id)
    }
    const list = async () =>
      (await (await h.call('GET', `/api/upload/equipment/${eq}`, { token: admin })).json()).items
    expect((await list()).map((f: any) => f.id)).toEqual(ids)

    const order = [ids[2], ids[0], ids[1]]
    const put = await h.call('PUT', `/api/upload/equipment/${eq}/order`, {
      token: admin,
      body: { file_ids: order },
    })
    expect(put.status).toBe(200)
    expect((await list()).map((f: any) => f.id)).toEqual(order)

    for (const bad of [
      [ids[0], ids[1]],
      [...order, 999],
      [ids[0], ids[0], ids[1]],
    ]) {
      const res = await h.call('PUT', `/api/upload/equipment/${eq}/order`, {
        token: admin,
        body: { file_ids: bad },
      })
      expect(res.status).toBe(400)
    }
    expect((await list()).map((f: any) => f.id)).toEqual(order)

    const pin1 = await h.call('PATCH', `/api/upload/${ids[0]}`, {
      token: admin,
      body: { pinned: true },
    })
    expect((await pin1.json()).pinned).toBe(true)
    await h.call('PATCH', `/api/upload/${ids[1]}`, {
      token: admin,
      body: { pinned: true, category: 'general_docs' },
    })
    const items = await list()
    expect(
      items
        .filter((f: any) => f.pinned)
        .map((f: any) => f.id)
        .sort(),
    ).toEqual([ids[0], ids[1]].sort())
    expect(items.find((f: any) => f.id === ids[1]).category).toBe('general_docs')
    expect(
      (await h.call('PATCH', `/api/upload/${ids[1]}`, { token: admin, body: { category: 'x' } }))
        .status,
    ).toBe(400)
    expect(
      (await h.call('PATCH', `/api/upload/${ids[1]}`, { token: admin, body: {} })).status,
    ).toBe(400)

    const audit = await h.sql`
      select action from audit_log where entity in ('equipment_file', 'equipment') order by id`
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['file_upload', 'file_reorder', 'file_update']),
    )
  })

  it('delete removes the row and the file on disk', async () => {
    const file = await (await upload(eq, 'удалить.pdf', SAMPLES.pdf)).json()
    const [{ storage_name }] =
      await h.sql`select storage_name from equipment_file where id = ${file.id}`
    const path = join(equipmentDir(h.config.dataDir, eq), storage_name)
    expect(existsSync(path)).toBe(true)
    const res = await h.call('DELETE', `/api/upload/${file.id}`, { token: admin })
    expect(res.status).toBe(204)
    expect(existsSync(path)).toBe(false)
    expect((await h.call('GET', `/api/upload/${file.id}`, { token: admin })).status).toBe(404)
    const [a] = await h.sql`
      select changes from audit_log where action = 'file_delete' and entity_id = ${String(file.id)}`
    expect(a.changes.original_name).toBe('удалить.pdf')
    expect((await h.call('DELETE', `/api/upload/${file.id}`, { token: admin })).status).toBe(404)
  })

  it('files of an archived instrument are read-only', async () => {
    const file = await (await upload(eq, 'a.pdf', SAMPLES.pdf)).json()
    await h.sql`update equipment set archived_at = now(), archive_reason = 'x' where id = ${eq}`
    expect((await upload(eq, 'b.pdf', SAMPLES.pdf)).status).toBe(409)
    expect(
      (await h.call('PATCH', `/api/upload/${file.id}`, { token: admin, body: { pinned: true } }))
        .status,
    ).toBe(409)
    expect((await h.call('DELETE', `/api/upload/${file.id}`, { token: admin })).status).toBe(409)
    expect((await h.call('GET', `/api/upload/${file.id}`, { token: admin })).status).toBe(200)
  })
})

describe('the register', () => {
  it('GET /api/equipment/:id carries the files in order; DELETE removes them from disk', async () => {
    const a = (await (await upload(eq, 'a.pdf', SAMPLES.pdf)).json()).id
    const b = (await (await upload(eq, 'b.png', SAMPLES.png)).json()).id
    await h.call('PUT', `/api/upload/equipment/${eq}/order`, {
      token: admin,
      body: { file_ids: [b, a] },
    })
    const record = await (await h.call('GET', `/api/equipment/${eq}`, { token: laborant })).json()
    expect(record.files.map((f: any) => [f.id, f.original_name])).toEqual([
      [b, 'b.png'],
      [a, 'a.pdf'],
    ])
    expect(readdirSync(equipmentDir(h.config.dataDir, eq))).toHaveLength(2)
    const del = await h.call('DELETE', `/api/equipment/${eq}`, { token: admin })
    expect(del.status).toBe(204)
    expect(existsSync(equipmentDir(h.config.dataDir, eq))).toBe(false)
    const [{ n }] =
      await h.sql`select count(*)::int as n from equipment_file where id in (${a}, ${b})`
    expect(n).toBe(0)
  })
})

describe('access', () => {
  it('a laborant reads their department and gets 404 for another; writes are admin-only', async () => {
    const file = await (await upload(eq, 'a.pdf', SAMPLES.pdf)).json()
    expect((await h.call('GET', `/api/upload/equipment/${eq}`, { token: laborant })).status).toBe(
      200,
    )
    expect((await h.call('GET', `/api/upload/${file.id}`, { token: laborant })).status).toBe(200)
    expect(
      (await h.call('GET', `/api/upload/equipment/${eq}`, { token: otherLaborant })).status,
    ).toBe(404)
    expect((await h.call('GET', `/api/upload/${file.id}`, { token: otherLaborant })).status).toBe(
      404,
    )
    expect(
      (await h.call('GET', `/api/upload/${file.id}?download=1`, { token: otherLaborant })).status,
    ).toBe(404)
    expect((await upload(eq, 'b.pdf', SAMPLES.pdf, { token: laborant })).status).toBe(403)
    expect(
      (await h.call('PATCH', `/api/upload/${file.id}`, { token: laborant, body: { pinned: true } }))
        .status,
    ).toBe(403)
    expect((await h.call('DELETE', `/api/upload/${file.id}`, { token: laborant })).status).toBe(403)
    expect((await h.call('GET', `/api/upload/${file.id}`)).status).toBe(401)
  })
})
