// The TrueType fonts embedded in PDFs (DejaVu: Cyrillic, ₽ and №), read once per process. DOCX
// names its fonts instead of embedding them: Word and LibreOffice supply Times New Roman / Arial.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
const dir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf')

let cache: { regular: Uint8Array; bold: Uint8Array } | null = null

export function pdfFonts(): { regular: Uint8Array; bold: Uint8Array } {
  cache ??= {
    regular: readFileSync(join(dir, 'DejaVuSans.ttf')),
    bold: readFileSync(join(dir, 'DejaVuSans-Bold.ttf')),
  }
  return cache
}

export const DOCX_FONT = 'Times New Roman'
export const DOCX_LABEL_FONT = 'Arial'
