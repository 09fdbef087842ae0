// Reading generated documents back in tests: PDF text and word boxes (poppler's pdftotext),
// page count (pdfinfo), page renders (pdftoppm → PNG), DOCX parts and table rows, QR decoding.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { unzipSync, strFromU8 } from 'fflate'
import * as jsqr from 'jsqr'
import { PNG } from 'pngjs'

function withTempFile<T>(bytes: Uint8Array, ext: string, fn: (path: string, dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'deltica-doc-'))
  try {
    const path = join(dir, `in.${ext}`)
    writeFileSync(path, bytes)
    return fn(path, dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export const pdfText = (pdf: Uint8Array) =>
  withTempFile(pdf, 'pdf', (p) =>
    execFileSync('pdftotext', ['-layout', p, '-'], { maxBuffer: 1 << 28 }).toString(),
  )

export const pdfPages = (pdf: Uint8Array) =>
  withTempFile(pdf, 'pdf', (p) => {
    const info = execFileSync('pdfinfo', [p]).toString()
    return Number(/^Pages:\s+(\d+)/m.exec(info)![1])
  })

/** Width and height of the first page in points. */
export const pdfPageSize = (pdf: Uint8Array) =>
  withTempFile(pdf, 'pdf', (p) => {
    const m = /^Page size:\s+([\d.]+) x ([\d.]+)/m.exec(execFileSync('pdfinfo', [p]).toString())!
    return { width: Number(m[1]), height: Number(m[2]) }
  })

export interface PdfWord {
  page: number
  left: number
  top: number
  width: number
  height: number
  text: string
}

/** Every word with its box in points (top-left origin), pages from 0. */
export const pdfWords = (pdf: Uint8Array): PdfWord[] =>
  withTempFile(pdf, 'pdf', (p) => {
    const tsv = execFileSync('pdftotext', ['-tsv', p, '-'], { maxBuffer: 1 << 28 }).toString()
    return tsv
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t'))
      .filter((c) => c[0] === '5' && c[11]?.trim())
      .map((c) => ({
        page: Number(c[1]) - 1,
        left: Number(c[6]),
        top: Number(c[7]),
        width: Number(c[8]),
        height: Number(c[9]),
        text: c[11],
      }))
  })

/** Renders one page (0-based) to RGBA pixels. */
export const pdfPagePng = (pdf: Uint8Array, page: number, dpi = 150): PNG =>
  withTempFile(pdf, 'pdf', (p, dir) => {
    execFileSync('pdftoppm', [
      '-r',
      String(dpi),
      '-png',
      '-f',
      String(page + 1),
      '-l',
      String(page + 1),
      p,
      join(dir, 'page'),
    ])
    const file = readdirSync(dir).find((f) => f.startsWith('page'))!
    return PNG.sync.read(readFileSync(join(dir, file)))
  })

/** Decodes the QR code inside a region of a rendered page (millimetres, top-left origin). */
export function decodeQr(
  png: PNG,
  dpi: number,
  region: { left: number; top: number; width: number; height: number },
): string | null {
  const k = dpi / 25.4
  const x0 = Math.round(region.left * k)
  const y0 = Math.round(region.top * k)
  const w = Math.round(region.width * k)
  const h = Math.round(region.height * k)
  const out = new Uint8ClampedArray(w * h * 4)
  for (let y = 0; y < h; y++) {
    const from = ((y0 + y) * png.width + x0) * 4
    out.set(png.data.subarray(from, from + w * 4), y * w * 4)
  }
  // jsqr is CommonJS with a default export; Node and Vite's interop expose it differently
  const mod = jsqr as unknown as Record<string, any>
  const decode: (d: Uint8ClampedArray, w: number, h: number) => { data: string } | null =
    mod.jsQR ?? mod.default?.default ?? mod.default
  return decode(out, w, h)?.data ?? null
}

/** LibreOffice headless: DOCX → PDF bytes. */
export const docxToPdf = (docx: Uint8Array): Uint8Array =>
  withTempFile(docx, 'docx', (p, dir) => {
    execFileSync(
      'libreoffice',
      [
        `-env:UserInstallation=file://${dir}/profile`,
        '--headless',
        '--convert-to',
        'pdf',
        '--outdir',
        dir,
        p,
      ],
      {
        stdio: 'ignore',
        timeout: 300_000,
      },
    )
    return readFileSync(join(dir, 'in.pdf'))
  })

const docxPart = (docx: Uint8Array, part = 'word/document.xml'): string =>
  strFromU8(unzipSync(docx, { filter: (f) => f.name === part })[part])

const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')

const textOf = (xml: string) =>
  [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>|<w:br\/>/g)]
    .map((m) => (m[1] === undefined ? '\n' : unescapeXml(m[1])))
    .join('')

/** Each table of the document as rows of cell texts. */
export function docxTables(docx: Uint8Array): string[][][] {
  const xml = docxPart(docx)
  return [...xml.matchAll(/<w:tbl>([\s\S]*?)<\/w:tbl>/g)].map((t) =>
    [...t[1].matchAll(/<w:tr[ >]([\s\S]*?)<\/w:tr>/g)].map((r) =>
      [...r[1].matchAll(/<w:tc>([\s\S]*?)<\/w:tc>/g)].map((c) => textOf(c[1])),
    ),
  )
}

/** All paragraph text of the document, paragraphs separated by newlines. */
export const docxText = (docx: Uint8Array) =>
  [...docxPart(docx).matchAll(/<w:p[ >]([\s\S]*?)<\/w:p>/g)].map((p) => textOf(p[1])).join('\n')

export const hasLibreOffice = (() => {
  try {
    execFileSync('libreoffice', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()
