import { readdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../runtime/app.ts'
import { createLogger } from '../runtime/log.ts'
import { harness, type Harness, putSettings } from '../test/app.ts'
import {
  decodeQr,
  docxTables,
  docxText,
  pdfPagePng,
  pdfPages,
  pdfPageSize,
  pdfText,
  pdfWords,
  type PdfWord,
} from '../test/document-readers.ts'
import { ORG } from '../test/branch-requisites.ts'
import { equipmentFixture, insertEquipment } from '../test/equipment-fixtures.ts'
import { bidColumns } from '../domain/documents/bids.ts'
import { fitColumns } from '../domain/documents/columns.ts'
import { labelBox, LABELS_PER_PAGE } from '../domain/documents/label-grid.ts'
import { addDays } from '../domain/documents/parts.ts'
import { today as todayIn } from '../runtime/clock.ts'
import { formatDate } from '../domain/shared/labels.ts'
import { MAX_DOCUMENT_ITEMS } from '../domain/shared/document-limits.ts'
import { DOCUMENTS_PER_MINUTE } from './documents.ts'

const MM = 72 / 25.4

let h: Harness
let admin: string
let laborant: string
let gtl: number[]
let lbr: number[]
let archived: number

async function post(kind: string, body: unknown, token = admin) {
  return h.call('POST', `/api/documents/${kind}`, { token, body })
}
async function file(kind: string, body: unknown, token = admin) {
  const res = await post(kind, body, token)
  expect(res.status, await res.clone().text()).toBe(200)
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) }
}
const downloadName = (res: Response) =>
  decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(res.headers.get('content-disposition')!)![1])

beforeAll(async () => {
  h = await harness()
  await h.makeUser({ username: 'boss', role: 'admin' })
  await h.makeUser({ username: 'lab', role: 'laborant', department: 'gtl' })
  admin = await h.login('boss')
  laborant = await h.login('lab')
  const put = await putSettings(h, admin, { organization: ORG })
  expect(put.status).toBe(200)
  gtl = await insertEquipment(h.sql, [
    equipmentFixture(1),
    equipmentFixture(2, {
      equipment_name: 'Термометр',
      equipment_model: 'ТЛ-4',
      verification_type: 'calibration',
      verification_date: '2025-10-08',
      verification_interval: 24,
    }),
    equipmentFixture(3, { equipment_name: 'Весы лабораторные', equipment_model: 'ВЛ-210' }),
  ])
  lbr = await insertEquipment(h.sql, [
    equipmentFixture(4, {
      department: 'lbr',
      equipment_name: 'Ареометр',
      equipment_model: 'АОН-1',
    }),
    equipmentFixture(5, { department: 'lbr', verification_date: '2026-05-20' }),
  ])
  ;[archived] = await insertEquipment(h.sql, [equipmentFixture(6)])
  await h.sql`update equipment set archived_at = now(), archive_reason = 'тест' where id = ${archived}`
})
afterAll(() => h.close())

/** The word boxes of `text` (one word) on the PDF. */
const find = (words: PdfWord[], text: string) => words.filter((w) => w.text === text)

function inBox(w: PdfWord, index: number) {
  const b = labelBox(index)
  return (
    w.page === b.page &&
    w.left >= b.left * MM &&
    w.left + w.width <= (b.left + b.width) * MM + 0.5 &&
    w.top >= b.top * MM &&
    w.top + w.height <= (b.top + b.height) * MM + 0.5
  )
}

describe('labels', () => {
  it('PDF: each label holds its fields inside its own box, the QR decodes to DLT:<id>', async () => {
    const ids = [...gtl, ...lbr]
    const { res, bytes } = await file('labels', { equipment_ids: ids, format: 'pdf' })
    expect(res.headers.get('content-type')).toBe('application/pdf')
    expect(downloadName(res)).toBe('Этикетки_5_шт.pdf')
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="[ -~]+";/)
    expect(pdfPages(bytes)).toBe(1)

    const text = pdfText(bytes)
    expect(text).toContain('Манометр МП-100-1')
    expect(text).toContain('с 10.03.2026 по 09.03.2027')
    expect(text).toContain('Срок поверки')
    expect(text).toContain('с 08.10.2025 по 07.10.2027')
    expect(text).toContain('Подразделение: ЛБР')

    const words = pdfWords(bytes)
    ids.forEach((id, i) => {
      const n = i + 1
      for (const token of [`F0000${n}`, `I0000${n}`, String(id)]) {
        const hits = find(words, token)
        expect(hits.length, token).toBeGreaterThan(0)
        expect(
          hits.every((w) => inBox(w, i)),
          `${token} in label ${i}`,
        ).toBe(true)
      }
    })

    const dpi = 150
    const png = pdfPagePng(bytes, 0, dpi)
    ids.forEach((id, i) => {
      expect(decodeQr(png, dpi, labelBox(i))).toBe(`DLT:${id}`)
    })
  })

  it('PDF: 1,000 labels → 100 pages, every word inside its label, none across a cut line', async () => {
    const many = await insertEquipment(
      h.sql,
      Array.from({ length: 1000 }, (_, i) =>
        equipmentFixture(1000 + i, {
          equipment_name: `Датчик температуры с длинным названием №${i}`,
        }),
      ),
    )
    const t0 = performance.now()
    const { bytes } = await file('labels', { equipment_ids: many, format: 'pdf' })
    const ms = performance.now() - t0
    console.log(`1000 labels PDF: ${Math.round(ms)} ms, ${(bytes.byteLength / 1e6).toFixed(2)} MB`)
    expect(pdfPages(bytes)).toBe(1000 / LABELS_PER_PAGE)
    const words = pdfWords(bytes)
    // every word lies wholly inside one label box
    const boxes = Array.from({ length: LABELS_PER_PAGE }, (_, i) => labelBox(i))
    const outside = words.filter((w) => !boxes.some((_, i) => inBox({ ...w, page: 0 }, i)))
    expect(outside).toEqual([])
    // and the label of instrument k is the k-th box
    many.forEach((id, k) => {
      const hits = find(words, String(id))
      expect(hits.length).toBeGreaterThan(0)
      expect(hits.every((w) => inBox(w, k))).toBe(true)
    })
    await h.sql`delete from equipment where id = any(${h.sql.array(many)}::bigint[])`
  }, 120_000)

  it('DOCX: a label table with the fields and one QR image per label', async () => {
    const { res, bytes } = await file('labels', { equipment_ids: gtl, format: 'docx' })
    expect(res.headers.get('content-type')).toContain('wordprocessingml')
    expect(downloadName(res)).toBe('Этикетки_3_шт.docx')
    const [table] = docxTables(bytes)
    expect(table).toHaveLength(2) // 3 labels → 2 rows of 2
    expect(table[0][0]).toContain('Манометр МП-100-1')
    expect(table[0][0]).toContain('Зав. № F00001')
    expect(table[0][0]).toContain('Инв. № I00001')
    expect(table[0][0]).toContain('Срок поверки\nс 10.03.2026 по 09.03.2027')
    expect(table[0][0]).toContain('Подразделение: ГТЛ')
    expect(table[0][2]).toContain('Термометр ТЛ-4')
    expect(table[1][0]).toContain('Весы лабораторные ВЛ-210')
    const media = Object.keys((await import('fflate')).unzipSync(bytes)).filter((f) =>
      f.startsWith('word/media/'),
    )
    expect(media).toHaveLength(3)
  })
})

/** Column bounds (points) of a table laid out across the content width of a landscape page. */
function columnBounds(columns: { title: string; width: number }[], pageWidthMm: number) {
  const widths = fitColumns(columns, (pageWidthMm - 30) * MM, 9, 2)
  let x = 20 * MM
  return widths.map((w) => {
    const from = x
    x += w
    return [from, x] as const
  })
}

describe('bids, request, acts, schedule', () => {
  it('bid for verification: each field in its column (PDF and DOCX), settings filled in', async () => {
    const ids = [gtl[0], gtl[2], lbr[0]]
    const { res, bytes } = await file('bid-verification', { equipment_ids: ids, format: 'pdf' })
    expect(downloadName(res)).toBe('Заявка_на_поверку_3_шт.pdf')
    expect(pdfPageSize(bytes).width).toBeCloseTo(297 * MM, 0) // landscape A4
    const text = pdfText(bytes)
    for (const s of [
      ORG.customer_name,
      ORG.inn,
      ORG.kpp,
      ORG.contract_number,
      '03.02.2026',
      ORG.contact_person,
      ORG.metrologist_name,
      ORG.verifier_name,
    ]) {
      expect(text).toContain(s)
    }
    const cols = columnBounds(bidColumns('verification', false), 297)
    const words = pdfWords(bytes)
    const expected = [
      ['1', 'Манометр', 'F00001', 'КТ', '2015', 'периодическая'],
      ['2', 'Весы', 'F00003', 'КТ', '2015', 'периодическая'],
      ['3', 'Ареометр', 'F00004', 'КТ', '2015', 'периодическая'],
    ]
    const columnOf = [0, 1, 3, 5, 6, 7]
    for (const row of expected) {
      const factory = find(words, row[2])[0]
      const line = words.filter((w) => Math.abs(w.top - factory.top) < 2)
      row.forEach((token, k) => {
        const [from, to] = cols[columnOf[k]]
        const hit = line.find((w) => w.text === token && w.left >= from && w.left + w.width <= to)
        expect(hit, `${token} in column ${columnOf[k]}`).toBeDefined()
      })
    }

    const docx = await file('bid-verification', { equipment_ids: ids, format: 'docx' })
    const [table] = docxTables(docx.bytes)
    expect(table[0]).toEqual(bidColumns('verification', false).map((c) => c.title))
    expect(table[1]).toEqual([
      '1',
      'Манометр МП-100-1',
      '1',
      'F00001',
      'I00001',
      'КТ 1,5',
      '2015 / 12345-01',
      'периодическая',
      '',
    ])
    expect(table[3][1]).toBe('Ареометр АОН-1')
    const body = docxText(docx.bytes)
    expect(body).toContain(ORG.customer_name)
    expect(body).toContain(`ИНН ${ORG.inn}, КПП ${ORG.kpp}`)
  })

  it('bid for calibration has its own title and column', async () => {
    const { res, bytes } = await file('bid-calibration', {
      equipment_ids: [gtl[1]],
      format: 'docx',
    })
    expect(downloadName(res)).toBe('Заявка_на_калибровку_1_шт.docx')
    expect(docxText(bytes)).toContain('на калибровку средств измерений')
    expect(docxTables(bytes)[0][0][7]).toBe('Вид калибровки')
  })

  it('request: hand-over date is today + 7 days, signature columns empty', async () => {
    const { bytes } = await file('request', { equipment_ids: lbr, format: 'pdf' })
    const text = pdfText(bytes)
    expect(text).toContain(`в срок до ${formatDate(addDays(todayIn(h.config.timeZone), 7))}`)
    expect(text).toContain(`№ ${ORG.room}`)
    const docx = await file('request', { equipment_ids: lbr, format: 'docx' })
    const [table] = docxTables(docx.bytes)
    expect(table[1]).toEqual(['1', 'Ареометр', 'АОН-1', 'F00004', 'ЛБР', '', ''])
    expect(table[2]).toEqual(['2', 'Манометр', 'МП-100-5', 'F00005', 'ЛБР', '', ''])
  })

  it('commissioning act: filled from the selection, blank form without one', async () => {
    const { bytes } = await file('commissioning-act', { equipment_ids: lbr, format: 'docx' })
    const [table] = docxTables(bytes)
    expect(table[0]).toEqual(['№', 'Наименование', 'Тип (модель)', 'Заводской №', 'Инвентарный №'])
    expect(table[1]).toEqual(['1', 'Ареометр', 'АОН-1', 'F00004', 'I00004'])
    const blank = await file('commissioning-act', { format: 'pdf' })
    expect(downloadName(blank.res)).toBe('Акт_ввода_в_эксплуатацию_бланк.pdf')
    expect(pdfText(blank.bytes)).toContain('ввода в эксплуатацию')
    const blankDocx = await file('commissioning-act', { equipment_ids: [], format: 'docx' })
    const rows = docxTables(blankDocx.bytes)[0]
    expect(rows).toHaveLength(11)
    expect(rows[10]).toEqual(['10', '', '', '', ''])
  })

  it('schedule: department × month counts for the year, then the list by plan month', async () => {
    const ids = [...gtl, ...lbr]
    const { res, bytes } = await file('schedule', {
      equipment_ids: ids,
      format: 'docx',
      year: 2027,
    })
    expect(downloadName(res)).toBe('График_поверки_5_шт.docx')
    const [matrix, list] = docxTables(bytes)
    // plans: gtl 2027-03 ×2, gtl 2027-10 (24-month calibration), lbr 2027-03, lbr 2027-05
    expect(matrix[1]).toEqual(['ГТЛ', '', '', '2', '', '', '', '', '', '', '1', '', '', '3'])
    expect(matrix[2]).toEqual(['ЛБР', '', '', '1', '', '1', '', '', '', '', '', '', '', '2'])
    expect(matrix[3]).toEqual(['Итого', '', '', '3', '', '1', '', '', '', '', '1', '', '', '5'])
    expect(list.slice(1).map((r) => r[8])).toEqual([
      'Март 2027',
      'Март 2027',
      'Март 2027',
      'Май 2027',
      'Октябрь 2027',
    ])
    expect(docxText(bytes)).toContain('на 2027 год')
    const pdf = await file('schedule', { equipment_ids: ids, format: 'pdf', year: 2027 })
    expect(pdfText(pdf.bytes)).toContain('на 2027 год')
  })
})

describe('access and input', () => {
  it('admin-only kinds refuse a laborant (403); no token → 401', async () => {
    for (const kind of [
      'bid-verification',
      'bid-calibration',
      'request',
      'commissioning-act',
      'schedule',
    ]) {
      expect((await post(kind, { equipment_ids: gtl, format: 'pdf' }, laborant)).status).toBe(403)
    }
    expect(
      (
        await h.call('POST', '/api/documents/labels', {
          body: { equipment_ids: gtl, format: 'pdf' },
        })
      ).status,
    ).toBe(401)
  })

  it("a laborant gets 404 listing another department's ids; unknown and archived ids too", async () => {
    const res = await post('labels', { equipment_ids: [...gtl, ...lbr], format: 'pdf' }, laborant)
    expect(res.status).toBe(404)
    const body = await res.json()
    expect(body.missing).toEqual(lbr)
    expect(body.error).toContain(String(lbr[0]))
    const unknown = await post('labels', {
      equipment_ids: [gtl[0], 99999999, archived],
      format: 'docx',
    })
    expect(unknown.status).toBe(404)
    expect((await unknown.json()).missing).toEqual([99999999, archived])
  })

  it('an empty selection is 400 (except the commissioning act); bad format and ids are 400', async () => {
    const empty = await post('labels', { equipment_ids: [], format: 'pdf' })
    expect(empty.status).toBe(400)
    expect((await empty.json()).error).toBe('Не выбрано оборудование для документа')
    expect((await post('labels', { equipment_ids: gtl, format: 'odt' })).status).toBe(400)
    expect((await post('labels', { equipment_ids: ['abc'], format: 'pdf' })).status).toBe(400)
    expect((await post('labels', { equipment_ids: gtl })).status).toBe(400)
    expect((await post('nonsense', { equipment_ids: gtl, format: 'pdf' })).status).toBe(404)
  })

  it('duplicate ids print once; nothing is left in DATA_DIR', async () => {
    const { res } = await file('labels', { equipment_ids: [gtl[0], gtl[0], gtl[1]], format: 'pdf' })
    expect(downloadName(res)).toBe('Этикетки_2_шт.pdf')
    expect(readdirSync(h.config.dataDir)).toEqual([])
  })

  it('settings changed by the admin show up in the next document', async () => {
    await putSettings(h, admin, {
      organization: { ...ORG, customer_name: 'АО «Новый заказчик»' },
    })
    const { bytes } = await file('bid-verification', { equipment_ids: [gtl[0]], format: 'docx' })
    expect(docxText(bytes)).toContain('АО «Новый заказчик»')
    await putSettings(h, admin, { organization: ORG })
  })
})

describe('database round trips', () => {
  it('the same number of queries for 1 instrument as for 300 (no query per row)', async () => {
    const many = await insertEquipment(
      h.sql,
      Array.from({ length: 300 }, (_, i) => equipmentFixture(5000 + i)),
    )
    let queries = 0
    // the app under test gets a sql that counts the statements it sends (fragments included)
    const counting = new Proxy(h.sql, {
      apply(target, self, args) {
        queries++
        return Reflect.apply(target as any, self, args)
      },
    })
    const app = await createApp({
      sql: counting,
      config: h.config,
      log: createLogger({ level: 'error' }),
    })
    const run = async (ids: number[]) => {
      queries = 0
      const res = await app.fetch(
        new Request('http://deltica.test/api/documents/schedule', {
          method: 'POST',
          headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
          body: JSON.stringify({ equipment_ids: ids, format: 'pdf', year: 2027 }),
        }),
        { ip: '10.9.9.9' },
      )
      expect(res.status).toBe(200)
      await res.arrayBuffer()
      return queries
    }
    await run(many.slice(0, 1)) // warms what a process keeps (the signed-in user, 5 s)
    const one = await run(many.slice(0, 1))
    const all = await run(many)
    expect(one).toBeGreaterThan(0)
    expect(all).toBe(one)
    await h.sql`delete from equipment where id = any(${h.sql.array(many)}::bigint[])`
  })
})

describe("selection by filter (the register's «Выбрать все найденные»)", () => {
  // a user of its own, so these requests do not count against the others' per-minute limit
  let picker: string
  beforeAll(async () => {
    await h.makeUser({ username: 'picker', role: 'admin' })
    picker = await h.login('picker')
  })
  const table = async (body: unknown, token = picker) =>
    docxTables((await file('request', { format: 'docx', ...(body as object) }, token)).bytes)[0]
      .slice(1)
      .map((row) => row[3])

  it("prints what the list finds, in the list's order, less the excepted ids", async () => {
    const list = await h.call(
      'GET',
      '/api/equipment?department=gtl&sort=factory_number&order=desc',
      {
        token: picker,
      },
    )
    const found = (await list.json()).items.map((r: any) => r.factory_number)
    expect(found).toEqual(['F00003', 'F00002', 'F00001'])
    const filter = { department: ['gtl'], sort: 'factory_number', order: 'desc' }
    expect(await table({ filter })).toEqual(found)
    expect(await table({ filter, except_ids: [gtl[1]] })).toEqual(['F00003', 'F00001'])
    // the same WHERE as the list: search words, statuses, comma lists as in a query string
    expect(await table({ filter: { q: 'весы гтл' } })).toEqual(['F00003'])
    expect(await table({ filter: { department: 'gtl,lbr', q: 'ареометр' } })).toEqual(['F00004'])
    const { res } = await file('labels', { filter: { department: ['lbr'] }, format: 'pdf' }, picker)
    expect(downloadName(res)).toBe('Этикетки_2_шт.pdf')
  })

  it("is scoped to the laborant's department whatever the filter says", async () => {
    const { res, bytes } = await file('labels', { filter: {}, format: 'docx' }, laborant)
    expect(downloadName(res)).toBe('Этикетки_3_шт.docx')
    expect(docxText(bytes)).not.toContain('F00004')
    const other = await post('labels', { filter: { department: ['lbr'] }, format: 'pdf' }, laborant)
    expect(other.status).toBe(400)
    expect((await other.json()).error).toBe('Не выбрано оборудование для документа')
  })

  it('refuses more than the cap with the count, before building anything', async () => {
    const many = await insertEquipment(
      h.sql,
      Array.from({ length: MAX_DOCUMENT_ITEMS + 1 }, (_, i) =>
        equipmentFixture(20000 + i, { equipment_name: 'Пипетка', department: 'to' }),
      ),
    )
    try {
      const res = await post('labels', { filter: { q: 'пипетка' }, format: 'pdf' }, picker)
      expect(res.status).toBe(400)
      const body = await res.json()
      expect(body.total).toBe(MAX_DOCUMENT_ITEMS + 1)
      expect(body.error).toBe(
        'Выбрано 2\u00a0001 — в одном документе не больше 2\u00a0000 единиц оборудования. Уточните выборку',
      )
      expect(body.fields[0].field).toBe('filter')
      // one excepted → exactly the cap: accepted
      expect(
        await table({ filter: { q: 'пипетка', sort: 'id' }, except_ids: [many[0]] }).then((t) => [
          t.length,
          t[0],
          t.at(-1),
        ]),
      ).toEqual([MAX_DOCUMENT_ITEMS, 'F20001', 'F22000'])
    } finally {
      await h.sql`delete from equipment where id = any(${h.sql.array(many)}::bigint[])`
    }
  }, 120_000)

  it('refuses a mixed or malformed selection with the field named', async () => {
    const both = await post('labels', { equipment_ids: gtl, filter: {}, format: 'pdf' }, picker)
    expect(both.status).toBe(400)
    expect((await both.json()).fields).toEqual([
      { field: 'filter', message: 'Укажите либо equipment_ids, либо filter' },
    ])
    const exceptOnly = await post('labels', { except_ids: [gtl[0]], format: 'pdf' }, picker)
    expect(exceptOnly.status).toBe(400)
    expect((await exceptOnly.json()).fields[0].field).toBe('except_ids')
    const badStatus = await post(
      'labels',
      { filter: { status: ['status_nonsense'] }, format: 'pdf' },
      picker,
    )
    expect(badStatus.status).toBe(400)
    expect((await badStatus.json()).fields[0].field).toBe('filter.status.0')
    const badSort = await post(
      'labels',
      { filter: { sort: 'password_hash' }, format: 'pdf' },
      picker,
    )
    expect(badSort.status).toBe(400)
    expect((await badSort.json()).fields[0].field).toBe('filter.sort')
    // a laborant may not sort by a finance column, as in the list
    const finance = await post('labels', { filter: { sort: 'cost_rate' }, format: 'pdf' }, laborant)
    expect(finance.status).toBe(400)
  })
})

describe('awkward text', () => {
  it('control characters, tabs and ₽/№ in the data do not break either format', async () => {
    const [id] = await insertEquipment(h.sql, [
      equipmentFixture(9001, {
        equipment_name: 'Манометр\tточный\u0001',
        equipment_model: 'МП-₽\u0007',
        factory_number: '№ 77\u202e',
      }),
    ])
    const pdf = await file('bid-verification', { equipment_ids: [id], format: 'pdf' })
    const text = pdfText(pdf.bytes)
    expect(text).toContain('Манометр точный МП-₽')
    expect(text).toContain('№ 77')
    const docx = await file('bid-verification', { equipment_ids: [id], format: 'docx' })
    expect(docxTables(docx.bytes)[0][1].slice(1, 4)).toEqual(['Манометр точный МП-₽', '1', '№ 77'])
    await h.sql`delete from equipment where id = ${id}`
  })
})

describe('rate limit', () => {
  it(`a user gets 429 after ${DOCUMENTS_PER_MINUTE} documents in a minute`, async () => {
    await h.makeUser({ username: 'busy', role: 'laborant', department: 'gtl' })
    const token = await h.login('busy')
    const body = { equipment_ids: [gtl[0]], format: 'pdf' }
    for (let i = 0; i < DOCUMENTS_PER_MINUTE; i++) {
      const res = await post('labels', body, token)
      expect(res.status).toBe(200)
      await res.arrayBuffer()
    }
    const limited = await post('labels', body, token)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBeTruthy()
    // another user is not affected
    expect((await post('labels', body, laborant)).status).toBe(200)
  }, 120_000)
})
