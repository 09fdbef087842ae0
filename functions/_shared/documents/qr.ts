// QR codes of instrument ids: the module matrix (drawn as vector squares in PDFs) and a PNG (DOCX).
import QRCode from 'qrcode'

export interface QrMatrix {
  size: number
  dark(x: number, y: number): boolean
}

export function qrMatrix(text: string): QrMatrix {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' })
  return { size: modules.size, dark: (x, y) => Boolean(modules.get(y, x)) }
}

/** Horizontal runs of dark modules, row by row: [x, y, length] — fewer rectangles to draw. */
export function qrRuns(m: QrMatrix): [number, number, number][] {
  const runs: [number, number, number][] = []
  for (let y = 0; y < m.size; y++) {
    let start = -1
    for (let x = 0; x <= m.size; x++) {
      const dark = x < m.size && m.dark(x, y)
      if (dark && start < 0) start = x
      if (!dark && start >= 0) {
        runs.push([start, y, x - start])
        start = -1
      }
    }
  }
  return runs
}

export function qrPng(text: string, pixels: number): Promise<Buffer> {
  return QRCode.toBuffer(text, { errorCorrectionLevel: 'M', margin: 1, width: pixels })
}
