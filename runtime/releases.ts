// Desktop client releases under DATA_DIR/releases, in the layout electron-updater's generic
// provider reads, with the previous releases kept for rollback:
//   releases/<version>/<installer>      the installer as uploaded (its name carries the version)
//   releases/<version>/release.json     {version, file, size, sha512 (base64), releaseDate}
//   releases/current.json               {current, previous, rollback} — replaced by rename
// Publishing streams the installer into a hidden temp directory, hashes it on the way, renames
// the directory into place, then switches current.json: clients see the old release or the new
// one, never half of one. Only the KEEP newest releases (and the active one) stay on disk.
import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { Response } from '@whatwg-node/server'
import { Scalar, stringify } from 'yaml'
import { badRequest, conflict, notFound, tooLarge } from './errors.ts'
import { contentDisposition } from './content-disposition.ts'
import type { Sql } from './db.ts'
import { LOCKS, lockTransaction } from './locks.ts'
import semver from 'semver'

export const KEEP_RELEASES = 3
const MAX_INSTALLER_BYTES = 1024 * 1024 * 1024

const releasesDir = (dataDir: string) => join(dataDir, 'releases')

export interface Release {
  version: string
  file: string
  size: number
  /** base64, as electron-updater compares it */
  sha512: string
  releaseDate: string
}

export interface ReleaseState {
  current: string | null
  previous: string | null
  /** the active release is older than the one before it: clients may downgrade to it */
  rollback: boolean
}

const INSTALLER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,150}\.(exe|msi|zip|7z|AppImage|dmg)$/

/** A canonical semantic version (1.2.3, 1.2.3-beta.1): it names a folder, so no 'v' or build tag. */
export const isVersion = (v: string) => v.length <= 64 && semver.valid(v) === v && !v.includes('+')

/** Semantic-version order (pre-releases before their release): −1, 0 or 1. */
export const compareVersions = (a: string, b: string): number => semver.compare(a, b)

async function readJsonFile<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T
  } catch {
    return null
  }
}

/** Writes next to the target and renames over it: readers see the old or the new file. */
async function writeAtomic(path: string, text: string) {
  const temp = `${path}.${randomUUID()}.tmp`
  await writeFile(temp, text)
  await rename(temp, path)
}

export async function readState(dataDir: string): Promise<ReleaseState> {
  return (
    (await readJsonFile<ReleaseState>(join(releasesDir(dataDir), 'current.json'))) ?? {
      current: null,
      previous: null,
      rollback: false,
    }
  )
}

export async function readRelease(dataDir: string, version: string): Promise<Release | null> {
  if (!isVersion(version)) return null
  return readJsonFile<Release>(join(releasesDir(dataDir), version, 'release.json'))
}

/** Every complete release on disk, newest first. */
export async function listReleases(dataDir: string): Promise<Release[]> {
  let names: string[]
  try {
    names = await readdir(releasesDir(dataDir))
  } catch {
    return []
  }
  const releases = await Promise.all(names.filter(isVersion).map((v) => readRelease(dataDir, v)))
  return releases
    .filter((r): r is Release => r !== null)
    .sort((a, b) => compareVersions(b.version, a.version))
}

/** latest.yml of the active release, as electron-builder writes it (+ `rollback` when marked). */
export function latestYml(release: Release, state: ReleaseState): string {
  return stringify({
    version: release.version,
    files: [{ url: release.file, sha512: release.sha512, size: release.size }],
    path: release.file,
    sha512: release.sha512,
    // quoted as electron-builder writes it, so js-yaml reads a string rather than a timestamp
    releaseDate: Object.assign(new Scalar(release.releaseDate), { type: Scalar.QUOTE_SINGLE }),
    ...(state.rollback ? { rollback: true } : {}),
  })
}

// State changes (publish, activate, prune) run one at a time: queued within the process and,
// given the database, under its advisory lock, so replicas sharing DATA_DIR take turns too.
let queue: Promise<unknown> = Promise.resolve()
function serialized<T>(sql: Sql | undefined, fn: () => Promise<T>): Promise<T> {
  const locked = sql
    ? () =>
        sql.begin(async (tx) => {
          await lockTransaction(tx, LOCKS.releases)
          return fn()
        }) as Promise<T>
    : fn
  const run = queue.then(locked, locked)
  queue = run.catch(() => {})
  return run
}

async function prune(dataDir: string, state: ReleaseState) {
  const all = await listReleases(dataDir)
  const keep = new Set([
    ...all.slice(0, KEEP_RELEASES).map((r) => r.version),
    state.current,
    state.previous,
  ])
  for (const r of all) {
    if (!keep.has(r.version))
      await rm(join(releasesDir(dataDir), r.version), { recursive: true, force: true })
  }
}

const STALE_MS = 24 * 60 * 60 * 1000

/** Removes what a crash mid-publish left: temp directories and files older than a day. */
async function sweepStale(root: string) {
  for (const name of await readdir(root)) {
    if (!name.endsWith('.part') && !name.endsWith('.tmp')) continue
    const path = join(root, name)
    const info = await stat(path).catch(() => null)
    if (info && Date.now() - info.mtimeMs > STALE_MS)
      await rm(path, { recursive: true, force: true })
  }
}

/**
 * Stores an installer as release `version` and makes it the active one. Refuses a version that is
 * already on disk or older than the active one (that is a rollback: activate a kept release).
 */
export async function publishRelease(
  dataDir: string,
  input: {
    version: string
    file: string
    body: ReadableStream<Uint8Array> | Readable
    declaredSize?: number
  },
  /** the database whose lock the replicas sharing DATA_DIR take turns under */
  sql?: Sql,
): Promise<{ release: Release; state: ReleaseState }> {
  if (!isVersion(input.version)) throw badRequest('Версия в формате 1.2.3 (или 1.2.3-beta.1)')
  if (!INSTALLER.test(input.file)) {
    throw badRequest(
      'Имя установщика: латиница, цифры, точка, дефис; расширение exe, msi, zip, 7z, AppImage или dmg',
    )
  }
  if (!input.file.includes(input.version)) {
    throw badRequest(`Имя установщика должно содержать номер версии ${input.version}`)
  }
  if ((input.declaredSize ?? 0) > MAX_INSTALLER_BYTES) throw tooLarge('Установщик больше 1 ГиБ')
  const root = releasesDir(dataDir)
  await mkdir(root, { recursive: true })
  await sweepStale(root)
  const temp = join(root, `.${randomUUID()}.part`)
  await mkdir(temp)
  try {
    const hash = createHash('sha512')
    let size = 0
    const count = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length
        if (size > MAX_INSTALLER_BYTES) return done(tooLarge('Установщик больше 1 ГиБ'))
        hash.update(chunk)
        done(null, chunk)
      },
    })
    const source = input.body instanceof Readable ? input.body : Readable.fromWeb(input.body as any)
    try {
      await pipeline(source, count, createWriteStream(join(temp, input.file)))
    } catch (e) {
      if (e instanceof Error && 'status' in e) throw e
      throw badRequest('Загрузка установщика прервалась')
    }
    if (size === 0) throw badRequest('Файл установщика пуст')
    const release: Release = {
      version: input.version,
      file: input.file,
      size,
      sha512: hash.digest('base64'),
      releaseDate: new Date().toISOString(),
    }
    await writeFile(join(temp, 'release.json'), JSON.stringify(release, null, 2))
    return await serialized(sql, async () => {
      const state = await readState(dataDir)
      if (await readRelease(dataDir, input.version))
        throw conflict(`Версия ${input.version} уже опубликована`)
      if (state.current && compareVersions(input.version, state.current) < 0) {
        throw conflict(
          `Версия ${input.version} старше действующей ${state.current}; для отката выберите сохранённую версию`,
        )
      }
      await rename(temp, join(root, input.version))
      const next: ReleaseState = {
        current: input.version,
        previous: state.current,
        rollback: false,
      }
      await writeAtomic(join(root, 'current.json'), JSON.stringify(next, null, 2))
      await prune(dataDir, next)
      return { release, state: next }
    })
  } finally {
    await rm(temp, { recursive: true, force: true })
  }
}

/** Makes a kept release the active one; one older than the newest kept release is a rollback. */
export async function activateRelease(
  dataDir: string,
  version: string,
  sql?: Sql,
): Promise<ReleaseState> {
  return serialized(sql, async () => {
    const release = await readRelease(dataDir, version)
    if (!release) throw notFound(`Версия ${version} не найдена среди сохранённых`)
    const state = await readState(dataDir)
    if (state.current === version) return state
    // clients downgrade only to a release older than the newest one kept (the admin's rollback)
    const rollback = compareVersions(version, newest(await listReleases(dataDir))) < 0
    const next: ReleaseState = { current: version, previous: state.current, rollback }
    await writeAtomic(join(releasesDir(dataDir), 'current.json'), JSON.stringify(next, null, 2))
    return next
  })
}

const newest = (releases: Release[]) => releases[0]?.version ?? '0.0.0'

interface ByteRange {
  start: number
  end: number
}

/** One `bytes=` range of a file of `size` bytes: null = serve whole, 'unsatisfiable' = 416. */
export function parseRange(
  header: string | null,
  size: number,
): ByteRange | null | 'unsatisfiable' {
  if (!header) return null
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!m || (m[1] === '' && m[2] === '')) return null // invalid or several ranges: ignore (RFC 9110)
  if (m[1] === '') {
    const suffix = Number(m[2])
    if (suffix === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(m[1])
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  if (start >= size) return 'unsatisfiable'
  if (end < start) return null
  return { start, end }
}

/** The installer of a kept release, whole or one byte range (206 / 416), streamed. */
export async function installerResponse(
  dataDir: string,
  release: Release,
  rangeHeader: string | null,
): Promise<Response> {
  const path = join(releasesDir(dataDir), release.version, release.file)
  const { size, mtime } = await stat(path)
  const common = {
    'content-type': 'application/octet-stream',
    'accept-ranges': 'bytes',
    etag: `"${createHash('sha256').update(release.sha512).digest('hex').slice(0, 32)}"`,
    'last-modified': mtime.toUTCString(),
    'cache-control': 'no-cache',
    'content-disposition': contentDisposition('attachment', release.file),
  }
  const range = parseRange(rangeHeader, size)
  if (range === 'unsatisfiable') {
    return new Response(null, {
      status: 416,
      headers: { ...common, 'content-range': `bytes */${size}` },
    })
  }
  const { start, end } = range ?? { start: 0, end: size - 1 }
  const stream = Readable.toWeb(createReadStream(path, { start, end })) as unknown as ReadableStream
  return new Response(stream, {
    status: range ? 206 : 200,
    headers: {
      ...common,
      'content-length': String(end - start + 1),
      ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
    },
  })
}
