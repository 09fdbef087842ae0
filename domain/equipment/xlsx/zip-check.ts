// An uploaded workbook is a zip: before any XML is parsed, its central directory must declare a
// sane number of entries and sizes (a 300 KB file can declare — and inflate to — gigabytes), and
// every entry must inflate to no more than it declares (checked with a capped inflate off the
// main thread, so a lying header cannot grow past the limits either).
import { promisify } from 'node:util'
import { inflateRaw } from 'node:zlib'
import { badRequest, tooLarge } from '../../../runtime/errors.ts'

const inflateRawCapped = promisify(inflateRaw) as (
  data: Buffer,
  options: { maxOutputLength: number },
) => Promise<Buffer>

const ZIP_LIMITS = {
  entries: 2_000,
  /** one entry, inflated */
  entryBytes: 256 * 1024 * 1024,
  /** the shared strings table is held in memory whole */
  sharedStringsBytes: 64 * 1024 * 1024,
  /** all entries, inflated */
  totalBytes: 384 * 1024 * 1024,
  /** inflated ÷ compressed, for entries above 1 MiB (XML of a real sheet stays well below) */
  ratio: 200,
}

const EOCD = 0x06054b50
const CENTRAL = 0x02014b50
const LOCAL = 0x04034b50
const BOMB = 'Книга раскрывается в слишком большой объём данных; разделите её на части'

interface Entry {
  name: string
  method: number
  compressed: number
  size: number
  offset: number
}

function broken(): never {
  throw badRequest('Не удалось прочитать файл: это не книга Excel (XLSX) или она повреждена')
}

/** The central directory's entries, checked against the limits. */
function zipEntries(bytes: Buffer, limits = ZIP_LIMITS): Entry[] {
  let eocd = -1
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65_535); i--) {
    if (bytes.readUInt32LE(i) === EOCD) {
      eocd = i
      break
    }
  }
  if (eocd < 0) broken()
  const count = bytes.readUInt16LE(eocd + 10)
  const cdSize = bytes.readUInt32LE(eocd + 12)
  const cdOffset = bytes.readUInt32LE(eocd + 16)
  // zip64 markers: a workbook that needs them is far beyond what an import takes
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw tooLarge(BOMB)
  if (count > limits.entries) throw tooLarge(BOMB)
  if (cdOffset + cdSize > eocd) broken()
  const entries: Entry[] = []
  let p = cdOffset
  let total = 0
  for (let n = 0; n < count; n++) {
    if (p + 46 > bytes.length || bytes.readUInt32LE(p) !== CENTRAL) broken()
    const method = bytes.readUInt16LE(p + 10)
    const compressed = bytes.readUInt32LE(p + 20)
    const size = bytes.readUInt32LE(p + 24)
    const nameLength = bytes.readUInt16LE(p + 28)
    const extra = bytes.readUInt16LE(p + 30)
    const comment = bytes.readUInt16LE(p + 32)
    const offset = bytes.readUInt32LE(p + 42)
    const name = bytes.toString('utf8', p + 46, p + 46 + nameLength)
    p += 46 + nameLength + extra + comment
    if (compressed === 0xffffffff || size === 0xffffffff) throw tooLarge(BOMB)
    if (method !== 0 && method !== 8) broken()
    const cap = /sharedStrings\.xml$/i.test(name) ? limits.sharedStringsBytes : limits.entryBytes
    total += size
    if (size > cap || total > limits.totalBytes) throw tooLarge(BOMB)
    if (size > 1024 * 1024 && size > Math.max(1, compressed) * limits.ratio) throw tooLarge(BOMB)
    entries.push({ name, method, compressed, size, offset })
  }
  return entries
}

/** Throws unless the zip's declarations are within the limits and every entry keeps to its own. */
export async function checkZip(
  bytes: Buffer,
  inspect: (name: string, inflated: Buffer) => void = () => {},
  limits = ZIP_LIMITS,
): Promise<void> {
  for (const e of zipEntries(bytes, limits)) {
    const h = e.offset
    if (h + 30 > bytes.length || bytes.readUInt32LE(h) !== LOCAL) broken()
    const start = h + 30 + bytes.readUInt16LE(h + 26) + bytes.readUInt16LE(h + 28)
    const data = bytes.subarray(start, start + e.compressed)
    if (data.length !== e.compressed) broken()
    if (e.method === 0) {
      if (e.compressed !== e.size) broken()
      inspect(e.name, data)
      continue
    }
    let inflated: Buffer
    try {
      // one byte more than declared: an entry that fills it inflates beyond its declaration
      inflated = await inflateRawCapped(data, { maxOutputLength: e.size + 1 })
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(BOMB)
      if (error instanceof RangeError) throw tooLarge(BOMB)
      broken()
    }
    if (inflated.length !== e.size) throw tooLarge(BOMB)
    inspect(e.name, inflated)
  }
}
