// DOCX documents opened by a real word processor: LibreOffice converts them to PDF and the PDF is
// read back (pages, word positions, QR). Skipped only where LibreOffice is not installed and not
// required; CI's step 40 installs it and sets REQUIRE_LIBREOFFICE=1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { harness, type Harness } from '../test/app.ts'
import {
  decodeQr,
  docxToPdf,
  hasLibreOffice,
  pdfPagePng,
  pdfPages,
  pdfPageSize,
  pdfText,
  pdfWords,
  type PdfWord,
} from '../test/document-readers.ts'
import { equipmentFixture, insertEquipment } from '../test/equipment-fixtures.ts'
import { labelBox, LABELS_PER_PAGE } from '../domain/documents/label-grid.ts'

const MM = 72 / 25.4
/** Word places a table by its text, LibreOffice by its border: allow that shift */
const SLACK = 3 * MM

let h: Harness
let admin: string
let ids: number[]

describe.skipIf(!hasLibreOffice && !process.env.REQUIRE_LIBREOFFICE)(
  'DOCX through LibreOffice',
  () => {
    beforeAll(async () => {
      h = await harness()
      await h.makeUser({ username: 'boss', role: 'admin' })
      admin = await h.login('boss')
      ids = await insertEquipment(
        h.sql,
        Array.from({ length: 1000 }, (_, i) =>
          equipmentFixture(i + 1, {
            equipment_name: i % 3 ? 'Манометр' : 'Индикатор часового типа с длинным наименованием',
            department: i % 2 ? 'gtl' : 'lhaiei',
          }),
        ),
      )
    })
    afterAll(() => h?.close())

    async function docx(kind: string, body: Record<string, unknown>) {
      const res = await h.call('POST', `/api/documents/${kind}`, {
        token: admin,
        body: { format: 'docx', ...body },
      })
      expect(res.status).toBe(200)
      return new Uint8Array(await res.arrayBuffer())
    }

    const inBox = (w: PdfWord, i: number) => {
      const b = labelBox(i)
      return (
        w.page === b.page &&
        w.left >= b.left * MM - SLACK &&
        w.left + w.width <= (b.left + b.width) * MM + SLACK &&
        w.top >= b.top * MM - SLACK &&
        w.top + w.height <= (b.top + b.height) * MM + SLACK
      )
    }

    it('1,000 labels: 100 pages, each label in its grid box, QR codes decode', async () => {
      const pdf = docxToPdf(await docx('labels', { equipment_ids: ids }))
      expect(pdfPages(pdf)).toBe(1000 / LABELS_PER_PAGE)
      const words = pdfWords(pdf)
      const byText = new Map<string, PdfWord[]>()
      for (const w of words) byText.set(w.text, [...(byText.get(w.text) ?? []), w])
      ids.forEach((_, i) => {
        const factory = `F${String(i + 1).padStart(5, '0')}`
        const hits = byText.get(factory) ?? []
        expect(hits.length, factory).toBe(1)
        expect(inBox(hits[0], i), `${factory} in label ${i}`).toBe(true)
      })
      const dpi = 150
      for (const page of [0, 57, 99]) {
        const png = pdfPagePng(pdf, page, dpi)
        for (let slot = 0; slot < LABELS_PER_PAGE; slot++) {
          const i = page * LABELS_PER_PAGE + slot
          const b = labelBox(i)
          const region = {
            left: b.left - 3,
            top: Math.max(0, b.top - 3),
            width: b.width + 6,
            height: b.height + 3,
          }
          expect(decodeQr(png, dpi, region), `QR of label ${i}`).toBe(`DLT:${ids[i]}`)
        }
      }
    }, 300_000)

    it('a bid and the schedule open as landscape pages with their tables', async () => {
      const bid = docxToPdf(await docx('bid-verification', { equipment_ids: ids.slice(0, 30) }))
      const text = pdfText(bid)
      expect(text).toContain('ЗАЯВКА')
      expect(text).toContain('F00030')
      expect(pdfPages(bid)).toBeGreaterThanOrEqual(2)
      expect(pdfPageSize(bid).width).toBeGreaterThan(pdfPageSize(bid).height)
      const schedule = docxToPdf(
        await docx('schedule', { equipment_ids: ids.slice(0, 40), year: 2027 }),
      )
      const words = pdfWords(schedule)
      expect(words.some((w) => w.text === 'ГРАФИК')).toBe(true)
      expect(words.some((w) => w.text === 'ЛХАиЭИ')).toBe(true)
    }, 120_000)
  },
)
