// Table column widths that fit their headers: every column is at least as wide as the longest word
// of its title in bold (so «Подразделение» is never cut into «Подразделени|е»); the rest of the
// width goes to the columns by their relative weights. Both renderers use it, measuring with the
// PDF's bold DejaVu — wider than the DOCX's Times New Roman, so a DOCX header fits too.
import fontkit from '@pdf-lib/fontkit'
import { pdfFonts } from './fonts.ts'

let bold: ReturnType<typeof fontkit.create> | null = null
const advances = new Map<string, number>()

/** Width in points of `word` in the bold font at `size`. */
function boldWidth(word: string, size: number): number {
  bold ??= fontkit.create(pdfFonts().bold)
  let units = 0
  for (const ch of word) {
    let w = advances.get(ch)
    if (w === undefined) {
      w = bold.glyphForCodePoint(ch.codePointAt(0)!).advanceWidth / bold.unitsPerEm
      advances.set(ch, w)
    }
    units += w
  }
  return units * size
}

/** The width the longest word of a header needs, in points. */
const headerWordWidth = (title: string, size: number) =>
  Math.max(0, ...title.split(/\s+/).map((w) => boldWidth(w, size)))

/**
 * Widths in points for columns of relative `weights` sharing `total` points, none narrower than
 * its header's longest word plus `pad` on each side. Columns held at that minimum are taken out
 * and the rest shared again, until every column fits.
 */
export function fitColumns(
  columns: { title: string; width: number }[],
  total: number,
  size: number,
  pad: number,
): number[] {
  const min = columns.map((c) => headerWordWidth(c.title, size) + 2 * pad + 1)
  const held = columns.map(() => false)
  for (;;) {
    const free = total - min.reduce((s, m, i) => s + (held[i] ? m : 0), 0)
    const weight = columns.reduce((s, c, i) => s + (held[i] ? 0 : c.width), 0)
    const widths = columns.map((c, i) => (held[i] ? min[i] : (c.width / weight) * free))
    const short = widths.map((w, i) => !held[i] && w < min[i])
    if (!short.includes(true) || held.every((h, i) => h || short[i])) {
      return short.includes(true) ? min : widths
    }
    short.forEach((s, i) => s && (held[i] = true))
  }
}
