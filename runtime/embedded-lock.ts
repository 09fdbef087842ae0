// One process owns an embedded data folder. Two PGlite instances on the same folder each keep
// their own buffers and write over each other (acknowledged writes lost, a folder that no longer
// opens). The owner writes deltica.lock inside the folder: its pid, what it runs and the socket
// its engine serves, so a command-line tool can work through that engine instead of
// opening the folder itself. A lock whose pid is gone (a killed process) is taken over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'

export const LOCK_FILE = 'deltica.lock'

export interface LockOwner {
  pid: number
  host: string
  command: string
  started_at: string
  /** where the owner's engine serves, once it does: a Unix socket's path or a postgres:// URL */
  address: string | null
}

export interface EmbeddedLock {
  /** Records the address the engine serves (for the command-line tools). */
  publish(address: string): void
  release(): void
}

/** The folder is owned by a live process (not this one). */
export class FolderInUse extends Error {
  readonly owner: LockOwner
  constructor(dir: string, owner: LockOwner) {
    super(
      `Встроенная база данных в ${dir} уже открыта другим процессом: pid ${owner.pid} ` +
        `(${owner.command}), запущен ${owner.started_at}. Остановите его или дождитесь ` +
        `завершения; одну папку данных может открыть только один процесс.`,
    )
    this.owner = owner
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function readOwner(path: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as LockOwner
    return typeof owner?.pid === 'number' ? owner : null
  } catch {
    return null
  }
}

/** The live owner of the folder, or null when it is free (no lock, or a stale one). */
export function folderOwner(dir: string): LockOwner | null {
  const owner = readOwner(join(dir, LOCK_FILE))
  if (!owner) return null
  if (owner.host !== hostname()) return owner // another machine's process: cannot tell, keep off
  return owner.pid === process.pid || alive(owner.pid) ? owner : null
}

/** Takes the folder's lock, or throws FolderInUse naming the live owner. */
export function lockFolder(dir: string): EmbeddedLock {
  const path = join(dir, LOCK_FILE)
  const me: LockOwner = {
    pid: process.pid,
    host: hostname(),
    command: process.argv.slice(1).join(' ') || process.argv0,
    started_at: new Date().toISOString(),
    address: null,
  }
  const write = (fd: number) => {
    writeSync(fd, JSON.stringify(me) + '\n')
  }
  for (let attempt = 0; ; attempt++) {
    let fd: number
    try {
      fd = openSync(path, 'wx', 0o600)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw error
      let owner = folderOwner(dir)
      if (!owner && !readOwner(path)) {
        // unreadable: perhaps written this very moment by another process — look once more
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200)
        owner = folderOwner(dir)
      }
      if (owner) throw new FolderInUse(dir, owner)
      // stale: its process is gone (killed) — take the folder over
      try {
        unlinkSync(path)
      } catch {}
      continue
    }
    try {
      write(fd)
    } finally {
      closeSync(fd)
    }
    let released = false
    return {
      publish(address) {
        me.address = address
        const fd = openSync(path, 'w', 0o600)
        try {
          write(fd)
        } finally {
          closeSync(fd)
        }
      },
      release() {
        if (released) return
        released = true
        if (readOwner(path)?.pid === process.pid) {
          try {
            unlinkSync(path)
          } catch {}
        }
      },
    }
  }
}
