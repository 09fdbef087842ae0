// JSON-lines logging to stdout and to DATA_DIR/logs/deltica-YYYY-MM-DD.log (one file a day,
// files older than the retention removed when the day changes).
import { createWriteStream, mkdirSync, readdirSync, unlinkSync, type WriteStream } from 'node:fs'
import { join } from 'node:path'

export type Level = 'debug' | 'info' | 'warn' | 'error'
const LEVELS: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 }

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
  child(fields: Record<string, unknown>): Logger
  close(): Promise<void>
}

const LOG_FILE_PATTERN = /^deltica-(\d{4}-\d{2}-\d{2})\.log$/

export function logFileName(day: string): string {
  return `deltica-${day}.log`
}

/** Daily-rotated append-only file sink. */
export class DailyFile {
  private stream: WriteStream | null = null
  private day = ''

  readonly dir: string
  private readonly keepDays: number
  private readonly today: () => string

  constructor(dir: string, keepDays = 30, today = () => new Date().toISOString().slice(0, 10)) {
    this.dir = dir
    this.keepDays = keepDays
    this.today = today
    mkdirSync(dir, { recursive: true })
  }

  write(line: string): void {
    const day = this.today()
    if (day !== this.day) this.rotate(day)
    this.stream!.write(line)
  }

  private rotate(day: string): void {
    this.stream?.end()
    this.day = day
    this.stream = createWriteStream(join(this.dir, logFileName(day)), { flags: 'a' })
    this.prune(day)
  }

  /** Removes files whose day is older than keepDays before `day`. */
  prune(day: string): void {
    const oldest = new Date(Date.parse(day) - this.keepDays * 86_400_000).toISOString().slice(0, 10)
    for (const f of readdirSync(this.dir)) {
      const m = LOG_FILE_PATTERN.exec(f)
      if (!m || m[1] >= oldest) continue
      try {
        unlinkSync(join(this.dir, f))
      } catch (error) {
        // another replica sharing DATA_DIR pruned it first
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      }
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.stream ? this.stream.end(resolve) : resolve()))
  }
}

/** a buffered logger writes at most this late, or when this much has gathered */
const FLUSH_MS = 50
const FLUSH_BYTES = 64 * 1024

export function createLogger(opts: {
  level?: Level
  stdout?: boolean
  dir?: string | null
  sink?: (line: string) => void
  /**
   * Gather lines and write them together (stdout and the file): one write per FLUSH_MS instead
   * of two per request. Warnings and errors are written at once, with what gathered before them.
   */
  buffered?: boolean
}): Logger {
  const min = LEVELS[opts.level ?? 'info']
  const file = opts.dir ? new DailyFile(opts.dir) : null
  const out = (chunk: string) => {
    if (opts.stdout) process.stdout.write(chunk)
    file?.write(chunk)
  }
  let pending: string[] = []
  let pendingBytes = 0
  let timer: NodeJS.Timeout | null = null
  const flush = () => {
    if (timer) clearTimeout(timer)
    timer = null
    if (pending.length === 0) return
    const chunk = pending.join('')
    pending = []
    pendingBytes = 0
    out(chunk)
  }
  if (opts.buffered) process.once('exit', flush)
  const write = (line: string, level: Level) => {
    opts.sink?.(line)
    if (!opts.buffered) return out(line)
    pending.push(line)
    pendingBytes += line.length
    if (LEVELS[level] >= LEVELS.warn || pendingBytes >= FLUSH_BYTES) flush()
    else timer ??= setTimeout(flush, FLUSH_MS).unref()
  }
  const sink: Sink = {
    min,
    write,
    close: async () => {
      flush()
      await file?.close()
    },
  }
  return new JsonLogger(sink, {})
}

let isoMs = 0
let iso = ''
/** The time as ISO 8601, formatted once per millisecond. */
function isoNow(): string {
  const ms = Date.now()
  if (ms !== isoMs) {
    isoMs = ms
    iso = new Date(ms).toISOString()
  }
  return iso
}

/** An object's JSON without its braces, after a comma: `,"a":1,"b":2` (empty for `{}`). */
function members(fields: Record<string, unknown>): string {
  const text = JSON.stringify(fields)
  return text.length > 2 ? ',' + text.slice(1, -1) : ''
}

interface Sink {
  min: number
  write(line: string, level: Level): void
  close(): Promise<void>
}

/**
 * A logger and its children share one sink; a child is one small object (every request makes
 * one for its request id) whose fields are turned into JSON once, its methods on the prototype.
 */
class JsonLogger implements Logger {
  private readonly sink: Sink
  private readonly base: Record<string, unknown>
  /** the base fields as JSON members (`,"k":v…`) */
  private readonly baseJson: string

  constructor(sink: Sink, base: Record<string, unknown>) {
    this.sink = sink
    this.base = base
    this.baseJson = members(base)
  }

  private emit(level: Level, msg: string, fields?: Record<string, unknown>): void {
    if (LEVELS[level] < this.sink.min) return
    // a field named like an earlier one comes later in the line and wins when it is read
    const head = `{"time":"${isoNow()}","level":"${level}","msg":${JSON.stringify(msg)}`
    this.sink.write(`${head}${this.baseJson}${fields ? members(fields) : ''}}\n`, level)
  }

  debug(msg: string, fields?: Record<string, unknown>): void {
    this.emit('debug', msg, fields)
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    this.emit('info', msg, fields)
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.emit('warn', msg, fields)
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.emit('error', msg, fields)
  }
  child(fields: Record<string, unknown>): Logger {
    return new JsonLogger(this.sink, { ...this.base, ...fields })
  }
  close(): Promise<void> {
    return this.sink.close()
  }
}
