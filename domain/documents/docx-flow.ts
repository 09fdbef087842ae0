// Writes a flow document (paragraphs and tables) as DOCX with the `docx` package: A4, the same
// margins as the PDF, table headers repeated on each page, rows never split across pages.
import {
  AlignmentType,
  Document,
  HeightRule,
  Packer,
  PageOrientation,
  Paragraph as DocxParagraph,
  Table as DocxTable,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
} from 'docx'
import { fitColumns } from './columns.ts'
import { DOCX_FONT } from './fonts.ts'
import { printable, type Align, type FlowDocument, type Paragraph, type Table } from './model.ts'

/** twentieths of a point per millimetre */
export const TWIP_PER_MM = 1440 / 25.4
export const A4_TWIPS = {
  width: Math.round(210 * TWIP_PER_MM),
  height: Math.round(297 * TWIP_PER_MM),
}
const MARGIN = {
  left: Math.round(20 * TWIP_PER_MM),
  right: Math.round(10 * TWIP_PER_MM),
  top: Math.round(15 * TWIP_PER_MM),
  bottom: Math.round(15 * TWIP_PER_MM),
}

/** left and right cell margin, twips (Word's default, set explicitly for LibreOffice) */
const CELL_MARGIN = 108

export const alignment = (a: Align | undefined) =>
  a === 'center' ? AlignmentType.CENTER : a === 'right' ? AlignmentType.RIGHT : AlignmentType.LEFT

/** Text with newlines → runs separated by line breaks. */
export function runs(
  text: string,
  o: { size: number; bold?: boolean; font?: string; color?: string },
): TextRun[] {
  return printable(text)
    .split('\n')
    .map(
      (line, i) =>
        new TextRun({
          text: line,
          bold: o.bold,
          size: Math.round(o.size * 2),
          font: o.font ?? DOCX_FONT,
          color: o.color?.replace('#', ''),
          break: i > 0 ? 1 : undefined,
        }),
    )
}

function paragraph(p: Paragraph): DocxParagraph {
  const size = p.size ?? 11
  return new DocxParagraph({
    alignment: alignment(p.align),
    spacing: { after: Math.round((p.spaceAfter ?? size / 3) * 20) },
    children: runs(p.text, { size, bold: p.bold }),
  })
}

function table(t: Table, contentWidth: number): DocxTable {
  const size = t.size ?? 9
  const widths = fitColumns(t.columns, contentWidth / 20, size, CELL_MARGIN / 20).map((w) =>
    Math.floor(w * 20),
  )
  const cell = (text: string, i: number, head: boolean) =>
    new TableCell({
      width: { size: widths[i], type: WidthType.DXA },
      verticalAlign: head ? VerticalAlign.CENTER : VerticalAlign.TOP,
      children: [
        new DocxParagraph({
          alignment: alignment(head ? 'center' : t.columns[i].align),
          children: runs(text ?? '', { size, bold: head }),
        }),
      ],
    })
  const height = t.minRowHeight
    ? { value: Math.round(t.minRowHeight * 20), rule: HeightRule.ATLEAST }
    : undefined
  return new DocxTable({
    width: { size: widths.reduce((a, b) => a + b, 0), type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    margins: { left: CELL_MARGIN, right: CELL_MARGIN },
    rows: [
      new TableRow({
        tableHeader: true,
        cantSplit: true,
        children: t.columns.map((c, i) => cell(c.title, i, true)),
      }),
      ...t.rows.map(
        (r) =>
          new TableRow({
            cantSplit: true,
            height,
            children: t.columns.map((_, i) => cell(r[i], i, false)),
          }),
      ),
    ],
  })
}

export async function renderFlowDocx(document: FlowDocument): Promise<Buffer> {
  const landscape = document.orientation === 'landscape'
  const pageWidth = landscape ? A4_TWIPS.height : A4_TWIPS.width
  const contentWidth = pageWidth - MARGIN.left - MARGIN.right
  const children = document.blocks.flatMap((b) =>
    b.type === 'paragraph'
      ? [paragraph(b)]
      : [table(b, contentWidth), new DocxParagraph({ children: [] })],
  )
  const doc = new Document({
    creator: 'Deltica',
    title: document.title,
    styles: { default: { document: { run: { font: DOCX_FONT, size: 22 } } } },
    sections: [
      {
        properties: {
          page: {
            size: {
              ...A4_TWIPS,
              orientation: landscape ? PageOrientation.LANDSCAPE : PageOrientation.PORTRAIT,
            },
            margin: MARGIN,
          },
        },
        children,
      },
    ],
  })
  return Packer.toBuffer(doc)
}
