// Reading the end of today's log file without reading the whole file: blocks are read backwards
// from the end until enough lines are found (bounded by maxBytes).
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { logFileName } from './log.ts'

/** The last `limit` lines of `file` (oldest first); [] when the file does not exist. */
export async function tailLines(file: string, limit: number, maxBytes = 4 * 1024 * 1024) {
  let handle
  try {
    handle = await open(file, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  try {
    const { size } = await handle.stat()
    const block = 64 * 1024
    let position = size
    let chunks: Buffer[] = []
    let newlines = 0
    while (position > 0 && newlines <= limit && size - position < maxBytes) {
      const length = Math.min(block, position, maxBytes - (size - position))
      position -= length
      const buf = Buffer.alloc(length)
      await handle.read(buf, 0, length, position)
      chunks.unshift(buf)
      for (const byte of buf) if (byte === 10) newlines++
    }
    const text = Buffer.concat(chunks).toString('utf8')
    const lines = text.split('\n').filter((l) => l.length > 0)
    // the first line may be cut in the middle when we did not read from the start
    if (position > 0) lines.shift()
    chunks = []
    return lines.slice(-limit)
  } finally {
    await handle.close()
  }
}

/** Today's log file (the logger names files by UTC day). */
export function todaysLogFile(dataDir: string, now = new Date()): string {
  return join(dataDir, 'logs', logFileName(now.toISOString().slice(0, 10)))
}
