// Receiving an upload: busboy parses the multipart body as it arrives (back-pressure end to end,
// memory flat); the `file` part is piped through a SHA-256 tap into `.<uuid>.part` in the target
// folder. Only a body that ended cleanly, with a file of 1..maxBytes bytes, an allowed extension
// and content that matches it, is handed back — still under its temporary name until the caller
// commits it inside its transaction. Any failure removes the temporary file.
import { createHash, randomUUID } from 'node:crypto'
import { createWriteStream, type WriteStream } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import busboy from 'busboy'
import { badRequest, HttpError, tooLarge, unsupportedType } from '../errors.ts'
import { contentMatches, HEAD_BYTES, MIME, type FileKind } from './kinds.ts'
import { extensionOf, sanitizeFileName } from './names.ts'

/** Temporary files of uploads in progress end with this (the backup skips them). */
export const PART_SUFFIX = '.part'

export interface ReceivedFile {
  originalName: string
  kind: FileKind
  mime: string
  size: number
  sha256: string
  /** the other (text) fields of the form */
  fields: Record<string, string>
  /** moves the file to its storage name; call inside the DB transaction, before commit */
  commit(storageName: string): Promise<void>
  /** removes the file, committed or not (refused after the fact, or the transaction failed) */
  discard(): Promise<void>
}

interface Limits {
  maxBytes: number
  kinds: readonly FileKind[]
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
  opts: Limits & { dir: string },
): Promise<ReceivedFile> {
  const parser = openForm(request, opts.maxBytes)
  await mkdir(opts.dir, { recursive: true })
  const intake = new Intake(join(opts.dir, `.${randomUUID()}${PART_SUFFIX}`), opts)
  try {
    await intake.read(request.body!, parser)
    await intake.check()
  } catch (error) {
    await intake.abandon()
    throw error
  }
  return intake.received(opts.dir)
}

const overLimit = (maxBytes: number) =>
  tooLarge(
    `Файл больше допустимого размера ${Math.round((maxBytes / 1024 / 1024) * 100) / 100} МиБ`,
    {
      max_bytes: maxBytes,
    },
  )

/** The multipart parser for the request, after the checks that need no body. */
function openForm(request: Request, maxBytes: number): busboy.Busboy {
  const contentType = request.headers.get('content-type') ?? ''
  if (!/^multipart\/form-data/i.test(contentType) || !request.body) {
    throw badRequest('Ожидается форма multipart/form-data с полем file')
  }
  // the form around the file adds well under 64 KiB; a declared body beyond that is refused unread
  const declared = Number(request.headers.get('content-length') ?? '0')
  if (declared > maxBytes + 64 * 1024) throw overLimit(maxBytes)
  try {
    return busboy({
      headers: { 'content-type': contentType },
      defParamCharset: 'utf8',
      // busboy reports 'limit' on reaching fileSize, so the limit itself needs one byte more
      limits: { files: 1, fileSize: maxBytes + 1, fields: 20, fieldSize: 4096, parts: 30 },
    })
  } catch {
    throw badRequest('Неверная форма multipart/form-data')
  }
}

/** One upload on its way in: the form's fields, the file's name, size, hash and first bytes. */
class Intake {
  private fields: Record<string, string> = {}
  private failure: HttpError | null = null
  private sawFile = false
  private originalName = ''
  private kind: FileKind | null = null
  private size = 0
  private head = Buffer.alloc(0)
  private hash = createHash('sha256')
  private writing: Promise<void> | null = null
  private sink: WriteStream | null = null

  private readonly tempPath: string
  private readonly limits: Limits

  constructor(tempPath: string, limits: Limits) {
    this.tempPath = tempPath
    this.limits = limits
  }

  /** The first problem wins; it is thrown once the body has been read. */
  private fail(error: HttpError) {
    this.failure ??= error
  }

  async read(body: ReadableStream, bb: busboy.Busboy): Promise<void> {
    bb.on('filesLimit', () => this.fail(badRequest('Ожидается один файл в поле file')))
    bb.on('partsLimit', () => this.fail(badRequest('Слишком много полей в форме')))
    bb.on('fieldsLimit', () => this.fail(badRequest('Слишком много полей в форме')))
    bb.on('field', (name, value, info) => {
      if (info.valueTruncated) this.fail(badRequest(`Поле ${name} слишком длинное`))
      else this.fields[name] = value
    })
    bb.on('file', (name, stream, info) => this.file(name, stream, info))
    const parsed = new Promise<void>((resolve, reject) => {
      bb.once('close', resolve)
      bb.once('error', reject)
    })
    parsed.catch(() => {})
    try {
      await pipeline(Readable.from(body as any), bb)
      await parsed
      if (this.writing) await this.writing
    } catch (error) {
      if (this.failure) throw this.failure
      if (error instanceof HttpError) throw error
      throw badRequest('Загрузка прервана или форма повреждена, файл не сохранён')
    }
  }

  private file(name: string, stream: Readable, info: busboy.FileInfo) {
    if (name !== 'file' || this.sawFile) {
      stream.resume()
      this.fail(badRequest('Ожидается один файл в поле file'))
      return
    }
    this.sawFile = true
    // browsers send " CR LF in a file name as %22 %0D %0A (HTML multipart encoding); CR and LF
    // would be removed as control characters anyway
    this.originalName = sanitizeFileName(
      (info.filename ?? '').replaceAll('%22', '"').replace(/%0[AD]/g, ''),
    )
    const ext = extensionOf(this.originalName)
    const { kinds, maxBytes } = this.limits
    if (!(kinds as readonly string[]).includes(ext)) {
      stream.resume()
      this.fail(unsupportedType(`Недопустимый тип файла. Разрешены: ${typeList(kinds)}`))
      return
    }
    this.kind = ext as FileKind
    stream.on('limit', () => this.fail(overLimit(maxBytes)))
    const tap = new Transform({
      transform: (chunk: Buffer, _enc, done) => {
        this.size += chunk.length
        this.hash.update(chunk)
        if (this.head.length < HEAD_BYTES) {
          this.head = Buffer.concat([this.head, chunk.subarray(0, HEAD_BYTES)])
        }
        done(null, chunk)
      },
    })
    this.sink = createWriteStream(this.tempPath, { flags: 'wx' })
    this.writing = pipeline(stream, tap, this.sink)
    this.writing.catch(() => {}) // awaited in read(); its failure is reported through the parse
  }

  /** After a clean read: one file, not empty, content matching its extension. */
  async check(): Promise<void> {
    if (this.failure) throw this.failure
    if (!this.sawFile || !this.kind)
      throw badRequest('Не передан файл (поле file)', {
        fields: [{ field: 'file', message: 'Не передан файл' }],
      })
    if (this.size === 0)
      throw badRequest('Файл пуст', { fields: [{ field: 'file', message: 'Файл пуст' }] })
    if (!(await contentMatches(this.tempPath, this.kind, this.head))) {
      throw unsupportedType(
        `Содержимое файла не соответствует расширению .${this.kind}. Разрешены: ${typeList(this.limits.kinds)}`,
      )
    }
  }

  async abandon(): Promise<void> {
    if (this.writing) await this.writing.catch(() => {})
    // a pipeline that failed early settles before the file is even opened: the open still
    // creates it, so the removal waits for the stream to have closed
    const sink = this.sink
    if (sink && !sink.closed) await new Promise<void>((resolve) => sink.once('close', () => resolve()))
    await rm(this.tempPath, { force: true })
  }

  received(dir: string): ReceivedFile {
    const kind = this.kind!
    let path = this.tempPath
    return {
      originalName: this.originalName,
      kind,
      mime: MIME[kind],
      size: this.size,
      sha256: this.hash.digest('hex'),
      fields: this.fields,
      async commit(storageName) {
        const target = join(dir, storageName)
        await rename(path, target)
        path = target
      },
      discard: () => rm(path, { force: true }),
    }
  }
}
