// Draws a label sheet as PDF: dashed cut lines on the grid, each label's lines wrapped inside its
// box (cut with an ellipsis rather than spilling over), the QR code as vector squares.
import {
  closePath,
  fill,
  lineTo,
  moveTo,
  PDFDocument,
  popGraphicsState,
  pushGraphicsState,
  setFillingColor,
  type PDFPage,
} from 'pdf-lib'
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

function drawQr(page: PDFPage, text: string, x: number, y: number, size: number) {
  const m = qrMatrix(text)
  const unit = size / (m.size + 2)
  const ox = x + unit
  const oy = y + size - unit
  const ops = qrRuns(m).flatMap(([cx, cy, len]) => {
    const x0 = ox + cx * unit
    const y0 = oy - cy * unit
    const x1 = x0 + len * unit
    const y1 = y0 - unit
    return [moveTo(x0, y0), lineTo(x1, y0), lineTo(x1, y1), lineTo(x0, y1), closePath()]
  })
  page.pushOperators(
    pushGraphicsState(),
    setFillingColor(color('#000000')),
    ...ops,
    fill(),
    popGraphicsState(),
  )
}

function drawLabel(page: PDFPage, fonts: PdfFonts, cell: LabelCell, index: number) {
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
    drawQr(page, cell.qr, x + width - PAD - QR_SIZE, top - PAD - QR_SIZE, QR_SIZE)
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
    for (let i = p * LABELS_PER_PAGE; i < p * LABELS_PER_PAGE + onPage; i++) {
      drawLabel(page, fonts, sheet.cells[i], i)
    }
  }
  return doc.save()
}
