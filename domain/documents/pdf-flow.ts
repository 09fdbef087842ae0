// Lays a flow document (paragraphs and tables) out on A4 pages with pdf-lib: paragraphs wrap,
// tables wrap cell text, never split a row across pages and repeat their header on each page.
import { PDFDocument, PageSizes, type PDFFont, type PDFPage } from 'pdf-lib'
import type { Align, FlowDocument, Paragraph, Table } from './model.ts'
import { fitColumns } from './columns.ts'
import { color, embedFonts, textWidth, MM, wrapText, type PdfFonts } from './pdf-text.ts'

const MARGIN = { left: 20 * MM, right: 10 * MM, top: 15 * MM, bottom: 15 * MM }
const LINE = 1.2
const PAD = 2
const BLACK = color('#000000')

class Flow {
  page!: PDFPage
  y = 0
  readonly width: number
  readonly height: number

  readonly doc: PDFDocument
  readonly fonts: PdfFonts

  constructor(doc: PDFDocument, fonts: PdfFonts, orientation: FlowDocument['orientation']) {
    this.doc = doc
    this.fonts = fonts
    const [w, h] = PageSizes.A4
    ;[this.width, this.height] = orientation === 'landscape' ? [h, w] : [w, h]
    this.newPage()
  }

  get contentWidth() {
    return this.width - MARGIN.left - MARGIN.right
  }

  newPage() {
    this.page = this.doc.addPage([this.width, this.height])
    this.y = this.height - MARGIN.top
  }

  /** room for `h` points on this page, else a new page; true when a page was started */
  ensure(h: number): boolean {
    if (this.y - h >= MARGIN.bottom) return false
    this.newPage()
    return true
  }

  text(s: string, x: number, width: number, font: PDFFont, size: number, align: Align = 'left') {
    const w = textWidth(font, s, size)
    const dx = align === 'center' ? (width - w) / 2 : align === 'right' ? width - w : 0
    this.page.drawText(s, { x: x + dx, y: this.y - size, size, font, color: BLACK })
  }

  paragraph(p: Paragraph) {
    const size = p.size ?? 11
    const font = p.bold ? this.fonts.bold : this.fonts.regular
    for (const line of wrapText(p.text, font, size, this.contentWidth)) {
      this.ensure(size * LINE)
      this.text(line, MARGIN.left, this.contentWidth, font, size, p.align)
      this.y -= size * LINE
    }
    this.y -= p.spaceAfter ?? size / 3
  }

  table(t: Table) {
    const size = t.size ?? 9
    const widths = fitColumns(t.columns, this.contentWidth, size, PAD)
    const layout = (cells: string[], font: PDFFont) => {
      const lines = cells.map((c, i) => wrapText(c ?? '', font, size, widths[i] - 2 * PAD))
      const height = Math.max(...lines.map((l) => l.length)) * size * LINE + 2 * PAD
      return { lines, height }
    }
    const header = layout(
      t.columns.map((c) => c.title),
      this.fonts.bold,
    )
    const drawRow = (row: { lines: string[][]; height: number }, font: PDFFont, head: boolean) => {
      let x = MARGIN.left
      row.lines.forEach((lines, i) => {
        this.page.drawRectangle({
          x,
          y: this.y - row.height,
          width: widths[i],
          height: row.height,
          borderColor: BLACK,
          borderWidth: 0.5,
        })
        const align = head ? 'center' : (t.columns[i].align ?? 'left')
        lines.forEach((line, j) => {
          const saved = this.y
          this.y = saved - PAD - j * size * LINE
          this.text(line, x + PAD, widths[i] - 2 * PAD, font, size, align)
          this.y = saved
        })
        x += widths[i]
      })
      this.y -= row.height
    }
    this.ensure(header.height + size * LINE * 2)
    drawRow(header, this.fonts.bold, true)
    for (const cells of t.rows) {
      const row = layout(cells, this.fonts.regular)
      row.height = Math.max(row.height, t.minRowHeight ?? 0)
      if (this.ensure(row.height)) drawRow(header, this.fonts.bold, true)
      drawRow(row, this.fonts.regular, false)
    }
    this.y -= size
  }
}

export async function renderFlowPdf(document: FlowDocument): Promise<Uint8Array> {
  const doc = await PDFDocument.create()
  doc.setTitle(document.title)
  doc.setCreator('Deltica')
  doc.setProducer('Deltica')
  const flow = new Flow(doc, await embedFonts(doc), document.orientation)
  for (const block of document.blocks) {
    if (block.type === 'paragraph') flow.paragraph(block)
    else flow.table(block)
  }
  return doc.save()
}
