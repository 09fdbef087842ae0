// Documents that match their titles, read back from the generated files: each kind
// holds only its matching instruments and names the rest before generation (/check); the schedule
// holds exactly its year's instruments and can be built from a filter; no table header breaks a
// word (PDF word boxes; DOCX converted by LibreOffice, then the same check); requisites placed
// when filled, their lines left out cleanly when not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { harness, type Harness, putSettings } from '../test/app.ts'
import {
  docxTables,
  docxText,
  docxToPdf,
  hasLibreOffice,
  pdfText,
  pdfWords,
  type PdfWord,
} from '../test/document-readers.ts'
import { ORG } from '../test/branch-requisites.ts'
import { equipmentFixture, insertEquipment } from '../test/equipment-fixtures.ts'
import { today as todayIn } from '../runtime/clock.ts'
import { formatDate } from '../domain/shared/labels.ts'
import { SETTINGS } from '../domain/settings/registry.ts'
import { defaultScheduleYear } from '../domain/shared/document-limits.ts'

const withLibreOffice = hasLibreOffice || !!process.env.REQUIRE_LIBREOFFICE

let h: Harness
let admin: string
let laborant: string
/** the eight instruments below, by their number 1…8 (index 0 unused) */
let ids: number[]

const setSettings = async (body: Record<string, unknown>) =>
  expect((await putSettings(h, admin, body)).status).toBe(200)

async function post(path: string, body: Record<string, unknown>, token = admin) {
  return h.call('POST', `/api/documents/${path}`, { token, body })
}
async function file(kind: string, body: Record<string, unknown>, token = admin) {
  const res = await post(kind, body, token)
  expect(res.status, await res.clone().text()).toBe(200)
  return new Uint8Array(await res.arrayBuffer())
}
async function check(kind: string, body: Record<string, unknown>, token = admin) {
  const res = await post(`${kind}/check`, { format: 'pdf', ...body }, token)
  expect(res.status, await res.clone().text()).toBe(200)
  return res.json()
}
const all = () => ({ equipment_ids: ids.slice(1) })
const factories = (rows: string[][], column: number) => rows.slice(1).map((r) => r[column])

beforeAll(async () => {
  h = await harness()
  await h.makeUser({ username: 'boss', role: 'admin' })
  await h.makeUser({ username: 'lab', role: 'laborant', department: 'gtl' })
  admin = await h.login('boss')
  laborant = await h.login('lab')
  await setSettings({ organization: ORG })
  ids = [
    0,
    ...(await insertEquipment(h.sql, [
      // 1: verification, in work, plan 03.2027
      equipmentFixture(1),
      // 2: calibration, plan 10.2027
      equipmentFixture(2, {
        equipment_name: 'Термометр',
        equipment_model: 'ТЛ-4',
        verification_type: 'calibration',
        verification_date: '2025-10-08',
        verification_interval: 24,
      }),
      // 3: attestation (certification), plan 03.2027
      equipmentFixture(3, {
        equipment_name: 'Весы лабораторные',
        equipment_model: 'ВЛ-210',
        verification_type: 'certification',
      }),
      // 4: put on conservation below (through the API, so the audit log dates it)
      equipmentFixture(4, { equipment_name: 'Ареометр', equipment_model: 'АОН-1' }),
      // 5: in repair
      equipmentFixture(5, {
        equipment_name: 'Гигрометр',
        equipment_model: 'ВИТ-2',
        verification_state: 'state_repair',
      }),
      // 6: past its date (due 14.10.2026), plan 10.2026
      equipmentFixture(6, { verification_date: '2025-10-15' }),
      // 7: plan 04.2032
      equipmentFixture(7, {
        equipment_name: 'Калибратор',
        equipment_model: 'КД-1',
        verification_date: '2026-04-10',
        verification_interval: 72,
      }),
      // 8: another department, plan 05.2027
      equipmentFixture(8, { department: 'lbr', verification_date: '2026-05-20' }),
    ])),
  ]
  const card = await (await h.call('GET', `/api/equipment/${ids[4]}`, { token: admin })).json()
  const patch = await h.call('PATCH', `/api/equipment/${ids[4]}`, {
    token: admin,
    body: { version: card.version, verification_state: 'state_storage' },
  })
  expect(patch.status, await patch.clone().text()).toBe(200)
})
afterAll(() => h?.close())

describe('each document holds only the instruments it is for', () => {
  it('bids: only their verification type; the rest named before generation', async () => {
    const verification = await check('bid-verification', all())
    expect(verification).toMatchObject({
      selected: 8,
      included: 6,
      excluded: 2,
      excluded_message: '2 из 8 — не поверка, не включены',
    })
    expect(verification.excluded_items.map((r: { name: string }) => r.name)).toEqual([
      'Термометр ТЛ-4',
      'Весы лабораторные ВЛ-210',
    ])
    const pdf = pdfText(await file('bid-verification', { ...all(), format: 'pdf' }))
    for (const n of [1, 4, 5, 6, 7, 8]) expect(pdf).toContain(`F0000${n}`)
    expect(pdf).not.toContain('F00002')
    expect(pdf).not.toContain('F00003')

    const calibration = await check('bid-calibration', all())
    expect(calibration.excluded_message).toBe('7 из 8 — не калибровка, не включены')
    const [table] = docxTables(await file('bid-calibration', { ...all(), format: 'docx' }))
    expect(factories(table, 3)).toEqual(['F00002'])

    const none = await post('bid-calibration', { equipment_ids: [ids[1]], format: 'pdf' })
    expect(none.status).toBe(400)
    expect((await none.json()).error).toBe('Нечего печатать: 1 из 1 — не калибровка, не включён')
  })

  it('status labels: only instruments in the matching state', async () => {
    const cases = [
      ['storage', 4, 'не на консервации'],
      ['repair', 5, 'не в ремонте'],
      ['forbidden', 6, 'не просрочены'],
    ] as const
    for (const [label, n, other] of cases) {
      const gtl = { equipment_ids: ids.slice(1, 8), label }
      expect((await check('status-labels', gtl, laborant)).excluded_message).toBe(
        `6 из 7 — ${other}, не включены`,
      )
      const text = pdfText(await file('status-labels', { ...gtl, format: 'pdf' }, laborant))
      const printed = [...text.matchAll(/Зав\. № (F\d+)/g)].map((m) => m[1])
      expect(printed, label).toEqual([`F0000${n}`])
    }
  })

  it('conservation act: a table of the instruments on conservation with department and date', async () => {
    expect((await check('conservation-act', all())).excluded_message).toBe(
      '7 из 8 — не на консервации, не включены',
    )
    const docx = await file('conservation-act', { ...all(), format: 'docx' })
    const [table] = docxTables(docx)
    expect(table).toEqual([
      ['№', 'Наименование', 'Тип', 'Зав. №', 'Инв. №', 'Подразделение', 'Дата консервации'],
      ['1', 'Ареометр', 'АОН-1', 'F00004', 'I00004', 'ГТЛ', formatDate(todayIn(h.config.timeZone))],
    ])
    const text = pdfText(await file('conservation-act', { ...all(), format: 'pdf' })).replace(
      /\s+/g,
      ' ',
    )
    expect(text).toContain(
      `члены комиссии: ${ORG.commission[1]}, ${ORG.commission[2]}, составила настоящий акт`,
    )
    expect(docxText(docx)).toContain(`${ORG.commission[2]}, составила настоящий акт`)
  })
})

describe('the schedule holds its year', () => {
  it('lists exactly the instruments planned in the chosen year, its summary agreeing', async () => {
    const body = { ...all(), year: 2027 }
    expect((await check('schedule', body)).excluded_message).toBe(
      '2 из 8 — запланированы не на 2027 год, не включены',
    )
    const [matrix, list] = docxTables(await file('schedule', { ...body, format: 'docx' }))
    expect(factories(list, 3).sort()).toEqual([
      'F00001',
      'F00002',
      'F00003',
      'F00004',
      'F00005',
      'F00008',
    ])
    expect(list.slice(1).every((r) => r[8].endsWith('2027'))).toBe(true)
    expect(matrix.at(-1)!.at(-1)).toBe(String(list.length - 1))

    const pdf = pdfText(await file('schedule', { ...all(), year: 2032, format: 'pdf' }))
    expect(pdf).toContain('на 2032 год')
    expect([...pdf.matchAll(/F0000\d/g)].map((m) => m[0])).toEqual(['F00007'])
  })

  it('is built from the current filter without selected rows; next year by default in Q4', async () => {
    const [, list] = docxTables(
      await file('schedule', { filter: { department: ['gtl'] }, year: 2027, format: 'docx' }),
    )
    expect(factories(list, 3).sort()).toEqual(['F00001', 'F00002', 'F00003', 'F00004', 'F00005'])
    expect(defaultScheduleYear('2026-09-30')).toBe(2026)
    expect(defaultScheduleYear('2026-10-01')).toBe(2027)
    expect(defaultScheduleYear('2026-12-31')).toBe(2027)
    expect(defaultScheduleYear('2027-01-01')).toBe(2027)
    const today = todayIn(h.config.timeZone)
    expect((await check('schedule', { filter: {} })).year).toBe(defaultScheduleYear(today))
  })
})

/** Every flow kind with a selection that it holds. */
const FLOW_KINDS = [
  ['bid-verification', {}],
  ['bid-calibration', {}],
  ['request', {}],
  ['conservation-act', {}],
  ['commissioning-act', {}],
  ['schedule', { year: 2027 }],
] as const

/**
 * Each word of each header appears whole among the PDF's words, and never as two pieces (one
 * word ending where the next one, on a later line, begins: «Подразделени» + «е»).
 */
function expectWholeHeaderWords(kind: string, headers: string[], words: PdfWord[]) {
  const texts = new Set(words.map((w) => w.text))
  for (const title of headers) {
    for (const word of title.split(/\s+/).filter((w) => w.length > 2)) {
      expect(texts.has(word), `${kind}: «${word}» of «${title}» whole`).toBe(true)
      const pieces = words.filter((a, i) =>
        words.some(
          (b, j) =>
            j > i &&
            b.page === a.page &&
            b.top > a.top &&
            `${a.text.replace(/-$/, '')}${b.text}` === word,
        ),
      )
      expect(
        pieces.map((p) => p.text),
        `${kind}: «${word}» broken`,
      ).toEqual([])
    }
  }
}

describe('table headers', () => {
  it('bids: «Инв. №» added; «Кол-во каналов» and «Протокол» only with the setting', async () => {
    const head = async () =>
      docxTables(await file('bid-verification', { ...all(), format: 'docx' }))[0][0]
    const plain = await head()
    expect(plain).toContain('Инв. №')
    expect(plain).not.toContain('Кол-во каналов')
    expect(plain).not.toContain('Протокол')
    expect(docxTables(await file('bid-verification', { ...all(), format: 'docx' }))[0][1][4]).toBe(
      'I00001',
    )
    await setSettings({ bid_extra_columns: true })
    try {
      const extra = await head()
      expect(extra).toContain('Кол-во каналов')
      expect(extra).toContain('Протокол')
      const words = pdfWords(await file('bid-verification', { ...all(), format: 'pdf' }))
      expectWholeHeaderWords('bid-verification+', extra, words)
    } finally {
      await setSettings({ bid_extra_columns: SETTINGS.bid_extra_columns.default })
    }
  })

  it('PDF: no word of a table header is broken, in any document', async () => {
    for (const [kind, extra] of FLOW_KINDS) {
      const body = { ...all(), ...extra }
      const headers = docxTables(await file(kind, { ...body, format: 'docx' })).flatMap((t) => t[0])
      expectWholeHeaderWords(kind, headers, pdfWords(await file(kind, { ...body, format: 'pdf' })))
    }
  })

  it.skipIf(!withLibreOffice)(
    'DOCX through LibreOffice: no word of a table header is broken, in any document',
    async () => {
      for (const [kind, extra] of FLOW_KINDS) {
        const docx = await file(kind, { ...all(), ...extra, format: 'docx' })
        const headers = docxTables(docx).flatMap((t) => t[0])
        expectWholeHeaderWords(kind, headers, pdfWords(docxToPdf(docx)))
      }
    },
    300_000,
  )
})

/** The text line just above the one that starts with «Дата:» (pdftotext -layout). */
function lineAboveDate(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim())
  const i = lines.findIndex((l) => l.trim().startsWith('Дата:'))
  expect(i, 'a «Дата:» line').toBeGreaterThan(0)
  return lines[i - 1].trim()
}

const underscoresOnly = (text: string) =>
  text.split('\n').filter((l) => /^[\s_]+$/.test(l) && l.includes('_'))

describe('requisites', () => {
  it('filled: each in its place — the customer over the date, the approval on the right', async () => {
    for (const kind of ['request', 'conservation-act', 'commissioning-act']) {
      const text = pdfText(await file(kind, { ...all(), format: 'pdf' }))
      expect(lineAboveDate(text), kind).toBe(ORG.customer_name)
    }
    const bid = pdfText(await file('bid-verification', { ...all(), format: 'pdf' }))
    const lines = bid.split('\n').map((l) => l.trim())
    const at = (s: string) => lines.findIndex((l) => l.startsWith(s))
    expect(lines[at('Заказчик:')]).toBe(`Заказчик: ${ORG.customer_name}`)
    expect(lines[at('Заказчик:') + 1]).toBe(`ИНН ${ORG.inn}, КПП ${ORG.kpp}`)
    expect(lines[at('Заказчик:') + 2]).toBe(`Договор № ${ORG.contract_number} от 03.02.2026`)
    expect(lines[at('Заказчик:') + 3]).toBe(
      `Контактное лицо: ${ORG.contact_person}, тел. ${ORG.contact_phone}`,
    )
    expect(at('Дата заявки:')).toBe(at('Заказчик:') + 4)
    const words = pdfWords(await file('schedule', { ...all(), year: 2027, format: 'pdf' }))
    const head = words.find((w) => w.text === 'Кузнецов')!
    expect(head.left).toBeGreaterThan((297 / 2) * (72 / 25.4)) // the right half of the page
    expect((await check('bid-verification', all())).requisites_missing).toEqual([])
  })

  it('not filled: named before generation; no blank underscores or stray line above «Дата»', async () => {
    await setSettings({ organization: SETTINGS.organization.default })
    try {
      for (const [kind, extra] of FLOW_KINDS) {
        const body = { ...all(), ...extra }
        const text = pdfText(await file(kind, { ...body, format: 'pdf' }))
        expect(underscoresOnly(text), kind).toEqual([])
        expect(text, kind).not.toMatch(/Заказчик: _|ИНН\/КПП|Договор № _/)
        if (text.includes('Дата:')) expect(lineAboveDate(text), kind).not.toMatch(/_/)
        if (withLibreOffice && kind !== 'bid-calibration' && kind !== 'schedule') {
          const office = pdfText(docxToPdf(await file(kind, { ...body, format: 'docx' })))
          expect(underscoresOnly(office), `${kind} DOCX`).toEqual([])
          if (office.includes('Дата:')) expect(lineAboveDate(office), kind).not.toMatch(/_/)
        }
      }
      expect((await check('bid-verification', all())).requisites_missing).toEqual([
        'организация-поверитель',
        'заказчик',
        'ИНН',
        'КПП',
        'номер договора',
        'дата договора',
        'контактное лицо',
        'телефон',
        'должность метролога',
        'метролог',
      ])
      expect((await check('labels', all())).requisites_missing).toEqual([])
    } finally {
      await setSettings({ organization: ORG })
    }
  }, 300_000)
})
