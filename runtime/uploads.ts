// Stored files on disk: where they live under DATA_DIR/uploads, the streaming multipart receiver
// (busboy → temp file in the target directory → rename only when complete and checked), the
// type check by extension AND content, file-name sanitising, and the streamed file response with
// an RFC 6266 Content-Disposition. Nothing here touches the database.
import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { Response } from '@whatwg-node/server'
import busboy from 'busboy'
import { badRequest, HttpError, tooLarge, unsupportedType } from './errors.ts'

/** DATA_DIR/uploads/equipment/<equipment id>/<uuid>.<ext> and DATA_DIR/uploads/pinned/<uuid>.pdf */
export const uploadsDir = (dataDir: string) => join(dataDir, 'uploads')
export const equipmentDir = (dataDir: string, equipmentId: number) =>
  join(uploadsDir(dataDir), 'equipment', String(equipmentId))
export const pinnedDir = (dataDir: string) => join(uploadsDir(dataDir), 'pinned')

const PART_SUFFIX = '.part'

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

const HEAD_BYTES = 1024
const OLE_CFB = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04])

// Control characters, bidi embeddings/overrides/isolates and marks, and other invisible format
// characters that can disguise an extension ("…‮fdp.exe").
const UNSAFE_CHARS = /[\p{Cc}\u200b-\u200f\u202a-\u202e\u2060-\u206f\u061c\ufeff\ufff9-\ufffb]/gu
const MAX_NAME = 255

/**
 * The display name kept for a file: the last path component (both / and \), without control or
 * bidi characters, trimmed, at most 255 characters (the extension kept). Not normalised, so a
 * name round-trips byte for byte.
 */
export function sanitizeFileName(raw: string): string {
  let name = raw.replace(UNSAFE_CHARS, '')
  name = name.split(/[/\\]/).pop() ?? ''
  name = name.trim().replace(/^\.+/, '').trim()
  if ([...name].length > MAX_NAME) {
    const dot = name.lastIndexOf('.')
    const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : ''
    name =
      [...name.slice(0, name.length - ext.length)].slice(0, MAX_NAME - ext.length).join('') + ext
  }
  return name
}

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.')
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : ''
}

/** Content check of a complete file on disk against the kind its extension claims. */
async function contentMatches(path: string, kind: FileKind, head: Buffer): Promise<boolean> {
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

export interface ReceivedFile {
  /** the complete, checked file, still under its temporary name */
  tempPath: string
  dir: string
  originalName: string
  kind: FileKind
  mime: string
  size: number
  sha256: string
  /** the other (text) fields of the form */
  fields: Record<string, string>
  /** moves the file to <dir>/<storageName>; call inside the DB transaction, before commit */
  commit(storageName: string): Promise<string>
  /** removes the temporary file (rejected after the fact, or the transaction failed) */
  discard(): Promise<void>
}

const typeList = (kinds: readonly FileKind[]) => kinds.join(', ')

/**
 * Reads a multipart/form-data request with exactly one part named `file`, streaming it to a
 * temporary file in `dir`. Throws (leaving nothing on disk) on: not multipart (400), no file
 * (400), empty file (400 «Файл пуст»), more than `maxBytes` (413), an extension outside `kinds`
 * or content that does not match the extension (415), a body cut off mid-stream (400).
 */
export async function receiveUpload(
  request: Request,
  opts: { dir: string; maxBytes: number; kinds: readonly FileKind[] },
): Promise<ReceivedFile> {
  const contentType = request.headers.get('content-type') ?? ''
  if (!/^multipart\/form-data/i.test(contentType) || !request.body) {
    throw badRequest('Ожидается форма multipart/form-data с полем file')
  }
  const limitMb = Math.round((opts.maxBytes / 1024 / 1024) * 100) / 100
  const overLimit = () =>
    tooLarge(`Файл больше допустимого размера ${limitMb} МиБ`, { max_bytes: opts.maxBytes })
  // the form around the file adds well under 64 KiB; a declared body beyond that is refused unread
  const declared = Number(request.headers.get('content-length') ?? '0')
  if (declared > opts.maxBytes + 64 * 1024) throw overLimit()

  let bb: busboy.Busboy
  try {
    bb = busboy({
      headers: { 'content-type': contentType },
      defParamCharset: 'utf8',
      // busboy reports 'limit' on reaching fileSize, so the limit itself needs one byte more
      limits: { files: 1, fileSize: opts.maxBytes + 1, fields: 20, fieldSize: 4096, parts: 30 },
    })
  } catch {
    throw badRequest('Неверная форма multipart/form-data')
  }

  await mkdir(opts.dir, { recursive: true })
  const tempPath = join(opts.dir, `.${randomUUID()}${PART_SUFFIX}`)
  const fields: Record<string, string> = {}
  let failure: HttpError | null = null
  let sawFile = false
  let originalName = ''
  let kind: FileKind | null = null
  let size = 0
  let head = Buffer.alloc(0)
  const hash = createHash('sha256')
  let writing: Promise<void> | null = null

  const fail = (error: HttpError) => {
    failure ??= error
  }

  bb.on('filesLimit', () => fail(badRequest('Ожидается один файл в поле file')))
  bb.on('partsLimit', () => fail(badRequest('Слишком много полей в форме')))
  bb.on('fieldsLimit', () => fail(badRequest('Слишком много полей в форме')))
  bb.on('field', (name, value, info) => {
    if (info.valueTruncated) fail(badRequest(`Поле ${name} слишком длинное`))
    else fields[name] = value
  })
  bb.on('file', (name, stream, info) => {
    if (name !== 'file' || sawFile) {
      stream.resume()
      fail(badRequest('Ожидается один файл в поле file'))
      return
    }
    sawFile = true
    // browsers send " CR LF in a file name as %22 %0D %0A (HTML multipart encoding); CR and LF
    // would be removed as control characters anyway
    originalName = sanitizeFileName(
      (info.filename ?? '').replaceAll('%22', '"').replace(/%0[AD]/g, ''),
    )
    const ext = extensionOf(originalName)
    if (!(opts.kinds as readonly string[]).includes(ext)) {
      stream.resume()
      fail(unsupportedType(`Недопустимый тип файла. Разрешены: ${typeList(opts.kinds)}`))
      return
    }
    kind = ext as FileKind
    stream.on('limit', () => fail(overLimit()))
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length
        hash.update(chunk)
        if (head.length < HEAD_BYTES) head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES)])
        done(null, chunk)
      },
    })
    writing = pipeline(stream, tap, createWriteStream(tempPath, { flags: 'wx' }))
    writing.catch(() => {}) // awaited below; its failure is reported through the parse
  })

  const parsed = new Promise<void>((resolve, reject) => {
    bb.once('close', resolve)
    bb.once('error', reject)
  })
  parsed.catch(() => {})

  try {
    try {
      await pipeline(Readable.from(request.body as any), bb)
      await parsed
      if (writing) await writing
    } catch (error) {
      if (failure) throw failure
      if (error instanceof HttpError) throw error
      throw badRequest('Загрузка прервана или форма повреждена, файл не сохранён')
    }
    if (failure) throw failure
    if (!sawFile || !kind) throw badRequest('Не передан файл (поле file)')
    if (size === 0) throw badRequest('Файл пуст')
    if (!(await contentMatches(tempPath, kind, head))) {
      throw unsupportedType(
        `Содержимое файла не соответствует расширению .${kind}. Разрешены: ${typeList(opts.kinds)}`,
      )
    }
  } catch (error) {
    if (writing) await (writing as Promise<void>).catch(() => {})
    await rm(tempPath, { force: true })
    throw error
  }

  const finalKind: FileKind = kind
  return {
    tempPath,
    dir: opts.dir,
    originalName,
    kind: finalKind,
    mime: MIME[finalKind],
    size,
    sha256: hash.digest('hex'),
    fields,
    async commit(storageName) {
      const target = join(opts.dir, storageName)
      await rename(tempPath, target)
      return target
    },
    discard: () => rm(tempPath, { force: true }),
  }
}

/** A new server-side storage name: never derived from the client's name. */
export const newStorageName = (kind: FileKind) => `${randomUUID()}.${kind}`

/** Removes a stored file; a file already gone is not an error. */
export async function removeStoredFile(path: string): Promise<void> {
  await unlink(path).catch((e) => {
    if (e?.code !== 'ENOENT') throw e
  })
}

/** Removes a whole directory of stored files (an instrument deleted for good). */
export async function removeStoredDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}

/** Temporary files left by a process that died mid-upload; removed at start-up. */
export async function sweepPartialUploads(dataDir: string): Promise<number> {
  let removed = 0
  const walk = async (dir: string): Promise<void> => {
    let entries
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const e of entries) {
      const path = join(dir, e.name)
      if (e.isDirectory()) await walk(path)
      else if (e.name.endsWith(PART_SUFFIX)) {
        await rm(path, { force: true })
        removed++
      }
    }
  }
  await walk(uploadsDir(dataDir))
  return removed
}

// Russian letters → Latin for the ASCII fallback name (ГОСТ 7.79-2000 system B, simplified)
const CYRILLIC = 'абвгдеёжзийклмнопрстуфхцчшщъыьэюя'
// ъ and ь have no Latin letter ('-' here, dropped)
const LATIN = 'a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch - y - e iu ia'
  .split(' ')
  .map((l) => (l === '-' ? '' : l))
const TRANSLIT: Record<string, string> = {
  ...Object.fromEntries([...CYRILLIC].map((c, i) => [c, LATIN[i]])),
  '№': 'N',
  '«': "'",
  '»': "'",
  '—': '-',
  '–': '-',
}

/** The ASCII fallback of a file name: Russian transliterated, anything else '_'. */
export function asciiFileName(name: string): string {
  const out = [...name]
    .map((ch) => {
      const lower = ch.toLowerCase()
      const latin = TRANSLIT[lower]
      if (latin === undefined) return ch
      return ch !== lower && latin ? latin[0].toUpperCase() + latin.slice(1) : latin
    })
    .join('')
  return (
    out
      .replace(/[^\x20-\x7e]/g, '_')
      .replace(/["\\%;]/g, '_')
      .trim() || 'file'
  )
}

/** RFC 5987 / 6266: an ASCII fallback name plus the exact UTF-8 name. */
export function contentDisposition(type: 'inline' | 'attachment', name: string): string {
  const fallback = asciiFileName(name)
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase(),
  )
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encoded}`
}

/** Streams a stored file; 404-worthy absence is reported as null so the caller can say what. */
export async function fileResponse(
  path: string,
  meta: { name: string; mime: string; download: boolean; head?: boolean },
): Promise<Response | null> {
  let size: number
  try {
    size = (await stat(path)).size
  } catch {
    return null
  }
  return new Response(meta.head ? null : (Readable.toWeb(createReadStream(path)) as any), {
    headers: {
      'content-type': meta.mime,
      'content-length': String(size),
      'content-disposition': contentDisposition(meta.download ? 'attachment' : 'inline', meta.name),
      'cache-control': 'private, no-store',
      'content-security-policy':
        "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
    },
  })
}
