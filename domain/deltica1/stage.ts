// Copying the 1.x files into the file store without leaving half a migration behind: each file
// is copied to a temporary name in its folder (sha256 computed on the way), the temporary files
// are renamed to their stored names as the last step before the commit, and every copied file
// is removed when the transaction fails. A crash leaves only temporary files, which the server
// sweeps at start-up.
import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { FileKind } from '../../runtime/files/kinds.ts'
import { newStorageName } from '../../runtime/files/names.ts'
import { PART_SUFFIX } from '../../runtime/files/receive.ts'
import { folderPath, type Folder } from '../../runtime/files/store.ts'

export interface StagedFile {
  storageName: string
  sha256: string
  size: number
  part: string
  final: string
}

export class Staging {
  private readonly dataDir: string
  private readonly staged: StagedFile[] = []
  private moved = false

  constructor(dataDir: string) {
    this.dataDir = dataDir
  }

  /** Copies `source` into `folder` under a temporary name. */
  async add(source: string, folder: Folder, kind: FileKind): Promise<StagedFile> {
    const dir = folderPath(this.dataDir, folder)
    await mkdir(dir, { recursive: true })
    const storageName = newStorageName(kind)
    const part = join(dir, `.${randomUUID()}${PART_SUFFIX}`)
    const hash = createHash('sha256')
    let size = 0
    await pipeline(
      createReadStream(source),
      new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk)
          size += chunk.length
          done(null, chunk)
        },
      }),
      createWriteStream(part, { flags: 'wx' }),
    )
    const file = {
      storageName,
      sha256: hash.digest('hex'),
      size,
      part,
      final: join(dir, storageName),
    }
    this.staged.push(file)
    return file
  }

  /** The files under their stored names (the last step before the commit). */
  async moveIn() {
    this.moved = true
    for (const f of this.staged) await rename(f.part, f.final)
  }

  /** Every copied file removed (the transaction failed). */
  async discard() {
    for (const f of this.staged) {
      await rm(f.part, { force: true })
      if (this.moved) await rm(f.final, { force: true })
    }
  }
}
