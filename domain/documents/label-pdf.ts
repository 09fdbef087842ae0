// Draws a label sheet as PDF: dashed cut lines on the grid, each label's lines wrapped inside its
// box (cut with an ellipsis rather than spilling over), the QR code as vector squares.
import { deflateSync } from 'node:zlib'
import { PDFDocument, type PDFPage } from 'pdf-lib'
import {
  labelBox,
  LABEL_GRID,
  labelPages,
  LABELS_PER_PAGE,
  MARGIN_X_MM,
  MARGIN_Y_MM,
} from './label-grid.ts'
import type { LabelCell, LabelSheet } from './model.ts'
import {
  color,
  embedFonts,
  textWidth,
  limitLines,
  MM,
  wrapText,
  type PdfFonts,
} from './pdf-text.ts'
import { qrMatrix, qrRuns } from './qr.ts'

const PAD = 3 * MM
const QR_SIZE = 30 * MM
const LINE = 1.2
const GREY = color('#8c8c8c')

const pageHeight = LABEL_GRID.pageHeightMm * MM

function cutLines(page: PDFPage, rows: number) {
  const style = { thickness: 0.5, color: GREY, dashArray: [4, 3] }
  const left = MARGIN_X_MM * MM
  const top = pageHeight - MARGIN_Y_MM * MM
  for (let r = 0; r <= rows; r++) {
    const y = top - r * LABEL_GRID.heightMm * MM
    page.drawLine({ start: { x: 0, y }, end: { x: LABEL_GRID.pageWidthMm * MM, y }, ...style })
  }
  for (let c = 0; c <= LABEL_GRID.columns; c++) {
    const x = left + c * LABEL_GRID.widthMm * MM
    page.drawLine({ start: { x, y: 0 }, end: { x, y: pageHeight }, ...style })
  }
}

/** The QR code's dark runs as `re` operators (one fill per code), appended to `out`. */
function qrOperators(out: string[], text: string, x: number, y: number, size: number) {
  const m = qrMatrix(text)
  const unit = size / (m.size + 2)
  const n = (v: number) => v.toFixed(2)
  for (const [cx, cy, len] of qrRuns(m)) {
    out.push(
      `${n(x + (cx + 1) * unit)} ${n(y + size - (cy + 2) * unit)} ${n(len * unit)} ${n(unit)} re`,
    )
  }
  out.push('f')
}

/**
 * The page's QR codes as one raw content stream, deflated by Node's zlib: tens of thousands of
 * rectangles as pdf-lib operator objects cost most of a 1,000-label sheet's time and memory.
 */
function addQrStream(doc: PDFDocument, page: PDFPage, ops: string[]) {
  if (ops.length === 0) return
  const content = Buffer.from(`q 0 g\n${ops.join('\n')}\nQ\n`, 'latin1')
  const stream = doc.context.stream(deflateSync(content), { Filter: 'FlateDecode' })
  page.node.addContentStream(doc.context.register(stream))
}

function drawLabel(page: PDFPage, fonts: PdfFonts, cell: LabelCell, index: number, qr: string[]) {
  const box = labelBox(index)
  const x = box.left * MM
  const top = pageHeight - box.top * MM
  const width = box.width * MM
  const height = box.height * MM
  if (cell.frame) {
    page.drawRectangle({
      x: x + 1.5 * MM,
      y: top - height + 1.5 * MM,
      width: width - 3 * MM,
      height: height - 3 * MM,
      borderColor: color(cell.frame),
      borderWidth: 2,
    })
  }
  let textArea = width - 2 * PAD
  if (cell.qr) {
    qrOperators(qr, cell.qr, x + width - PAD - QR_SIZE, top - PAD - QR_SIZE, QR_SIZE)
    textArea -= QR_SIZE + PAD / 2
  }
  const bottom = top - height + PAD
  let y = top - PAD
  for (const line of cell.lines) {
    const font = line.bold ? fonts.bold : fonts.regular
    const step = line.size * LINE
    const fitting = Math.floor((y - bottom) / step)
    if (fitting <= 0) break
    const lines = limitLines(
      wrapText(line.text, font, line.size, textArea),
      fitting,
      font,
      line.size,
      textArea,
    )
    for (const s of lines) {
      const w = textWidth(font, s, line.size)
      const dx =
        line.align === 'center' ? (textArea - w) / 2 : line.align === 'right' ? textArea - w : 0
      page.drawText(s, {
        x: x + PAD + dx,
        y: y - line.size,
        size: line.size,
        font,
        color: color(line.color),
      })
      y -= step
    }
    y -= line.size * 0.25
  }
}

export async function renderLabelsPdf(sheet: LabelSheet): Promise<Uint8Array> {
  const doc = await PDFDocument.create()
  doc.setTitle(sheet.title)
  doc.setCreator('Deltica')
  doc.setProducer('Deltica')
  const fonts = await embedFonts(doc)
  const pages = labelPages(sheet.cells.length)
  for (let p = 0; p < pages; p++) {
    const page = doc.addPage([LABEL_GRID.pageWidthMm * MM, pageHeight])
    const onPage = Math.min(LABELS_PER_PAGE, sheet.cells.length - p * LABELS_PER_PAGE)
    cutLines(page, Math.ceil(onPage / LABEL_GRID.columns))
    const qr: string[] = []
    for (let i = p * LABELS_PER_PAGE; i < p * LABELS_PER_PAGE + onPage; i++) {
      drawLabel(page, fonts, sheet.cells[i], i, qr)
    }
    addQrStream(doc, page, qr)
    // let other requests run between pages: a 1,000-label sheet takes seconds of CPU
    await new Promise((resolve) => setImmediate(resolve))
  }
  return doc.save()
}
