// Text helpers for the PDF renderers: font loading into a document, line wrapping by measured
// width (long words are cut), and '#rrggbb' colours.
import fontkit from '@pdf-lib/fontkit'
import { rgb, type PDFDocument, type PDFFont, type RGB } from 'pdf-lib'
import { pdfFonts } from './fonts.ts'
import { printable } from './model.ts'

export const MM = 72 / 25.4

export interface PdfFonts {
  regular: PDFFont
  bold: PDFFont
}

export async function embedFonts(doc: PDFDocument): Promise<PdfFonts> {
  doc.registerFontkit(fontkit)
  const bytes = pdfFonts()
  const [regular, bold] = await Promise.all([
    doc.embedFont(bytes.regular, { subset: true }),
    doc.embedFont(bytes.bold, { subset: true }),
  ])
  return { regular, bold }
}

const advance = new WeakMap<PDFFont, Map<string, number>>()

/** Width of text in points, from cached per-character advances (fontkit's layout is slow). */
export function textWidth(font: PDFFont, text: string, size: number): number {
  let cache = advance.get(font)
  if (!cache) advance.set(font, (cache = new Map()))
  let width = 0
  for (const ch of text) {
    let w = cache.get(ch)
    if (w === undefined) cache.set(ch, (w = font.widthOfTextAtSize(ch, 1000)))
    width += w
  }
  return (width * size) / 1000
}

/** Splits text into lines no wider than `width`; explicit newlines are kept. */
export function wrapText(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = []
  const fits = (s: string) => textWidth(font, s, size) <= width
  for (const para of printable(text).split('\n')) {
    let line = ''
    for (const word of para.split(/\s+/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word
      if (fits(candidate)) {
        line = candidate
        continue
      }
      if (line) lines.push(line)
      line = ''
      let rest = word
      while (!fits(rest)) {
        let cut = rest.length - 1
        while (cut > 1 && !fits(rest.slice(0, cut))) cut--
        lines.push(rest.slice(0, cut))
        rest = rest.slice(cut)
      }
      line = rest
    }
    lines.push(line)
  }
  return lines
}

/** Keeps at most `max` lines, marking a cut with an ellipsis that still fits. */
export function limitLines(
  lines: string[],
  max: number,
  font: PDFFont,
  size: number,
  width: number,
): string[] {
  if (lines.length <= max) return lines
  const kept = lines.slice(0, Math.max(0, max))
  if (kept.length === 0) return kept
  let last = kept[kept.length - 1]
  while (last && textWidth(font, `${last}…`, size) > width) last = last.slice(0, -1)
  kept[kept.length - 1] = `${last}…`
  return kept
}

export function color(hex = '#000000'): RGB {
  const n = Number.parseInt(hex.slice(1), 16)
  return rgb(((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255)
}
