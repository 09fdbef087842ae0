// Writes a label sheet as DOCX: one table on the label grid (exact row heights, rows never split),
// dashed cell borders as cut lines, the QR code as a PNG in its own cell beside the text.
import {
  BorderStyle,
  Document,
  HeightRule,
  ImageRun,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  VerticalAlign,
  WidthType,
  type ITableCellBorders,
} from 'docx'
import { A4_TWIPS, alignment, runs, TWIP_PER_MM } from './docx-flow.ts'
import { DOCX_LABEL_FONT } from './fonts.ts'
import { LABEL_GRID, MARGIN_X_MM, MARGIN_Y_MM } from './label-grid.ts'
import type { LabelCell, LabelSheet } from './model.ts'
import { qrPng } from './qr.ts'

const QR_MM = 30
const QR_COLUMN_MM = QR_MM + 3
const twips = (mm: number) => Math.round(mm * TWIP_PER_MM)
/** 96 dpi pixels, the unit of ImageRun's transformation */
const px = (mm: number) => Math.round((mm / 25.4) * 96)

const cut = { style: BorderStyle.DASHED, size: 4, color: '8C8C8C' }
const none = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' }

function borders(cell: LabelCell, side: 'text' | 'qr' | 'whole'): ITableCellBorders {
  const edge = cell.frame
    ? { style: BorderStyle.SINGLE, size: 16, color: cell.frame.slice(1) }
    : cut
  return {
    top: edge,
    bottom: edge,
    left: side === 'qr' ? none : edge,
    right: side === 'text' ? none : edge,
  }
}

function textParagraphs(cell: LabelCell): Paragraph[] {
  return cell.lines.map(
    (l) =>
      new Paragraph({
        alignment: alignment(l.align),
        spacing: { after: Math.round(l.size * 5) },
        children: runs(l.text, {
          size: l.size,
          bold: l.bold,
          color: l.color,
          font: DOCX_LABEL_FONT,
        }),
      }),
  )
}

function labelCells(cell: LabelCell | undefined): TableCell[] {
  const width = LABEL_GRID.widthMm
  if (!cell) {
    return [
      new TableCell({
        width: { size: twips(width), type: WidthType.DXA },
        columnSpan: 2,
        borders: { top: none, bottom: none, left: none, right: none },
        children: [new Paragraph({ children: [] })],
      }),
    ]
  }
  if (!cell.qr) {
    return [
      new TableCell({
        width: { size: twips(width), type: WidthType.DXA },
        columnSpan: 2,
        verticalAlign: VerticalAlign.CENTER,
        borders: borders(cell, 'whole'),
        children: textParagraphs(cell),
      }),
    ]
  }
  const png = qrPng(cell.qr)
  return [
    new TableCell({
      width: { size: twips(width - QR_COLUMN_MM), type: WidthType.DXA },
      borders: borders(cell, 'text'),
      children: textParagraphs(cell),
    }),
    new TableCell({
      width: { size: twips(QR_COLUMN_MM), type: WidthType.DXA },
      borders: borders(cell, 'qr'),
      children: [
        new Paragraph({
          children: [
            new ImageRun({
              type: 'png',
              data: png,
              transformation: { width: px(QR_MM), height: px(QR_MM) },
              altText: { name: `QR ${cell.qr}`, description: cell.qr, title: cell.qr },
            }),
          ],
        }),
      ],
    }),
  ]
}

export async function renderLabelsDocx(sheet: LabelSheet): Promise<Buffer> {
  const rows: TableRow[] = []
  for (let i = 0; i < sheet.cells.length; i += LABEL_GRID.columns) {
    const cells: TableCell[] = []
    for (let c = 0; c < LABEL_GRID.columns; c++) cells.push(...labelCells(sheet.cells[i + c]))
    // let other requests run now and then: a 1,000-label sheet takes seconds of CPU
    if (i % 20 === 0) await new Promise((resolve) => setImmediate(resolve))
    rows.push(
      new TableRow({
        cantSplit: true,
        height: { value: twips(LABEL_GRID.heightMm), rule: HeightRule.EXACT },
        children: cells,
      }),
    )
  }
  const columnWidths = Array.from({ length: LABEL_GRID.columns }, () => [
    twips(LABEL_GRID.widthMm - QR_COLUMN_MM),
    twips(QR_COLUMN_MM),
  ]).flat()
  // the page's vertical margins leave 2 mm spare so that Word's closing empty paragraph (1 pt)
  // fits under a full page of labels instead of starting a blank page
  const marginY = twips(MARGIN_Y_MM - 1)
  const doc = new Document({
    creator: 'Deltica',
    title: sheet.title,
    styles: { default: { document: { run: { font: DOCX_LABEL_FONT, size: 20 } } } },
    sections: [
      {
        properties: {
          page: {
            size: A4_TWIPS,
            margin: {
              left: twips(MARGIN_X_MM),
              right: twips(MARGIN_X_MM),
              top: marginY,
              bottom: marginY,
            },
          },
        },
        children: [
          new Table({
            width: { size: columnWidths.reduce((a, b) => a + b, 0), type: WidthType.DXA },
            columnWidths,
            layout: TableLayoutType.FIXED,
            margins: { left: twips(2), right: twips(1), top: twips(2), bottom: 0 },
            rows,
          }),
          new Paragraph({
            spacing: { before: 0, after: 0, line: 20 },
            children: runs('', { size: 1 }),
          }),
        ],
      },
    ],
  })
  return Packer.toBuffer(doc)
}
