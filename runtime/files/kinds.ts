// The file types the server stores and how a file proves it is one: the extension decides the
// kind, and the content must match it (PDF `%PDF-` in the first KiB, OLE compound file signature
// for doc/xls, ZIP with `[Content_Types].xml` and `word/document.xml` / `xl/workbook.xml` in its
// central directory for docx/xlsx, JPEG/PNG signatures).
import { open } from 'node:fs/promises'

export type FileKind = 'pdf' | 'doc' | 'docx' | 'xls' | 'xlsx' | 'jpg' | 'jpeg' | 'png'

export const MIME: Record<FileKind, string> = {
  pdf: 'application/pdf',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
}

export const ALL_KINDS = Object.keys(MIME) as FileKind[]

/** How many leading bytes the content check looks at. */
export const HEAD_BYTES = 1024
const OLE_CFB = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04])

/** Content check of a complete file on disk (`head`: its first bytes) against its kind. */
export async function contentMatches(path: string, kind: FileKind, head: Buffer): Promise<boolean> {
  switch (kind) {
    case 'pdf':
      return head.subarray(0, HEAD_BYTES).includes('%PDF-')
    case 'doc':
    case 'xls':
      return head.subarray(0, 8).equals(OLE_CFB)
    case 'jpg':
    case 'jpeg':
      return head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff
    case 'png':
      return head.subarray(0, 8).equals(PNG)
    case 'docx':
    case 'xlsx': {
      if (!head.subarray(0, 4).equals(ZIP)) return false
      const names = await zipEntryNames(path)
      const main = kind === 'docx' ? 'word/document.xml' : 'xl/workbook.xml'
      return names.has('[Content_Types].xml') && names.has(main)
    }
  }
}

/** The entry names of a ZIP file from its central directory (no decompression). */
async function zipEntryNames(path: string): Promise<Set<string>> {
  const names = new Set<string>()
  const fh = await open(path, 'r')
  try {
    const { size } = await fh.stat()
    const tailSize = Math.min(size, 22 + 65_535)
    const tail = Buffer.alloc(tailSize)
    await fh.read(tail, 0, tailSize, size - tailSize)
    let eocd = -1
    for (let i = tailSize - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i
        break
      }
    }
    if (eocd < 0) return names
    const count = tail.readUInt16LE(eocd + 10)
    const cdSize = tail.readUInt32LE(eocd + 12)
    const cdOffset = tail.readUInt32LE(eocd + 16)
    if (cdOffset + cdSize > size || cdSize > 16 * 1024 * 1024) return names
    const cd = Buffer.alloc(cdSize)
    await fh.read(cd, 0, cdSize, cdOffset)
    let p = 0
    for (let i = 0; i < count && p + 46 <= cd.length; i++) {
      if (cd.readUInt32LE(p) !== 0x02014b50) break
      const nameLen = cd.readUInt16LE(p + 28)
      const extraLen = cd.readUInt16LE(p + 30)
      const commentLen = cd.readUInt16LE(p + 32)
      names.add(cd.toString('utf8', p + 46, p + 46 + nameLen))
      p += 46 + nameLen + extraLen + commentLen
    }
    return names
  } finally {
    await fh.close()
  }
}
