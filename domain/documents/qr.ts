// QR codes of instrument ids: the module matrix (drawn as vector squares in PDFs) and a 1-bit
// PNG (DOCX). The PNG is encoded here from the matrix: qrcode's own PNG path costs ~5 ms a code.
import { deflateSync } from 'node:zlib'
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

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(buf: Buffer): number {
  let c = 0xffffffff
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 255] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const out = Buffer.alloc(body.length + 8)
  out.writeUInt32BE(data.length, 0)
  body.copy(out, 4)
  out.writeUInt32BE(crc32(body), body.length + 4)
  return out
}

/** A black-on-white 1-bit PNG, `scale` pixels a module, one module of quiet zone. */
export function qrPng(text: string, scale = 8): Buffer {
  const m = qrMatrix(text)
  const side = (m.size + 2) * scale
  const stride = Math.ceil(side / 8)
  const raw = Buffer.alloc((stride + 1) * side, 0xff)
  for (let py = 0; py < side; py++) {
    raw[py * (stride + 1)] = 0 // filter: none
    const my = Math.floor(py / scale) - 1
    for (let px = 0; px < side; px++) {
      const mx = Math.floor(px / scale) - 1
      if (mx >= 0 && my >= 0 && mx < m.size && my < m.size && m.dark(mx, my)) {
        raw[py * (stride + 1) + 1 + (px >> 3)] &= ~(0x80 >> (px & 7))
      }
    }
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(side, 0)
  header.writeUInt32BE(side, 4)
  header[8] = 1 // bit depth
  header[9] = 0 // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}
