// The file store (env.files): the only way handlers and the domain reach user files on disk.
// Folders are named by path segments under DATA_DIR/uploads (['equipment', '12'], ['pinned']) —
// the domain chooses them, the store turns them into paths and refuses anything that could leave
// its root. It receives uploads, streams stored files and backup archives as downloads, removes
// files and folders, and sweeps the temporary files a crash left behind.
import { createReadStream } from 'node:fs'
import { readdir, rm, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { Response } from '@whatwg-node/server'
import { backupsDir } from '../backup/target.ts'
import { contentDisposition } from '../content-disposition.ts'
import type { FileKind } from './kinds.ts'
import { PART_SUFFIX, receiveUpload, type ReceivedFile } from './receive.ts'

/** A folder of user files under DATA_DIR/uploads, as path segments. */
export type Folder = readonly string[]

interface Download {
  /** the name the user sees (Content-Disposition) */
  name: string
  mime: string
  /** attachment (save) rather than inline (view) */
  download: boolean
}

export interface FileStore {
  receive(
    request: Request,
    folder: Folder,
    limits: { maxBytes: number; kinds: readonly FileKind[] },
  ): Promise<ReceivedFile>
  /** A stored file as a streamed response; null when it is not on disk. */
  send(folder: Folder, storageName: string, meta: Download): Promise<Response | null>
  /** Removes a stored file; a file already gone is not an error. */
  remove(folder: Folder, storageName: string): Promise<void>
  /** Removes a folder with everything in it. */
  removeFolder(folder: Folder): Promise<void>
  /** A backup archive of DATA_DIR/backups as a download; null when it is not on disk. */
  sendBackup(fileName: string): Promise<Response | null>
  /**
   * Removes the temporary files of uploads a dead process left — those untouched for
   * `olderThanMs` (a day by default; another replica's live upload writes to its file all the
   * time, a stalled one is cut off by the idle timeout); returns how many.
   */
  sweepPartial(olderThanMs?: number): Promise<number>
}

export const uploadsDir = (dataDir: string) => join(dataDir, 'uploads')

const SEGMENT = /^[\w-]+$/
const FILE_NAME = /^[\w-][\w.-]*$/

/** The path of `folder` under DATA_DIR/uploads; a segment that is not a plain name is refused. */
export function folderPath(dataDir: string, folder: Folder): string {
  if (folder.length === 0 || !folder.every((s) => SEGMENT.test(s))) {
    throw new Error(`file store: invalid folder ${JSON.stringify(folder)}`)
  }
  return join(uploadsDir(dataDir), ...folder)
}

function fileIn(dir: string, name: string): string {
  if (!FILE_NAME.test(name))
    throw new Error(`file store: invalid file name ${JSON.stringify(name)}`)
  return join(dir, name)
}

/** Streams `path` with the headers of a private download; null when it is not on disk. */
async function streamFile(path: string, headers: Record<string, string>): Promise<Response | null> {
  let size: number
  try {
    size = (await stat(path)).size
  } catch {
    return null
  }
  return new Response(Readable.toWeb(createReadStream(path)) as ReadableStream, {
    headers: { ...headers, 'content-length': String(size) },
  })
}

export function fileStore(dataDir: string): FileStore {
  return {
    receive: (request, folder, limits) =>
      receiveUpload(request, { dir: folderPath(dataDir, folder), ...limits }),
    send: (folder, storageName, meta) =>
      streamFile(fileIn(folderPath(dataDir, folder), storageName), {
        'content-type': meta.mime,
        'content-disposition': contentDisposition(
          meta.download ? 'attachment' : 'inline',
          meta.name,
        ),
        'cache-control': 'private, no-store',
        'content-security-policy':
          "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
      }),
    async remove(folder, storageName) {
      await unlink(fileIn(folderPath(dataDir, folder), storageName)).catch((e) => {
        if (e?.code !== 'ENOENT') throw e
      })
    },
    async removeFolder(folder) {
      await rm(folderPath(dataDir, folder), { recursive: true, force: true })
    },
    sendBackup: (fileName) =>
      streamFile(fileIn(backupsDir(dataDir), fileName), {
        'content-type': 'application/x-tar',
        'content-disposition': contentDisposition('attachment', fileName),
      }),
    sweepPartial: (olderThanMs = PARTIAL_STALE_MS) => sweepPartialUploads(dataDir, olderThanMs),
  }
}

/**
 * A temporary upload file untouched this long belongs to no live process. Several replicas share
 * DATA_DIR: one starting must not remove what another is receiving (or, for a Deltica 1.x
 * import, has staged and not yet committed).
 */
const PARTIAL_STALE_MS = 24 * 60 * 60 * 1000

/** Temporary files left by a process that died mid-upload; removed at start-up. */
async function sweepPartialUploads(dataDir: string, olderThanMs: number): Promise<number> {
  let removed = 0
  const before = Date.now() - olderThanMs
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
        const info = await stat(path).catch(() => null)
        if (!info || info.mtimeMs > before) continue
        await rm(path, { force: true })
        removed++
      }
    }
  }
  await walk(uploadsDir(dataDir))
  return removed
}
