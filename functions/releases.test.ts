import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { DigestTransform, HttpError } from 'builder-util-runtime'
import { GenericProvider } from 'electron-updater/out/providers/GenericProvider.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { harness, type Harness } from '../test/app.ts'
import { decideUpdate, verifyDownload } from '../desktop/electron/update-policy.ts'
import { compareVersions, KEEP_RELEASES, parseRange } from '../runtime/releases.ts'

let h: Harness
let admin: string
let laborant: string
const installers = new Map<string, Buffer>()

beforeAll(async () => {
  h = await harness()
  await h.makeUser({ username: 'boss', role: 'admin' })
  await h.makeUser({ username: 'lab', role: 'laborant' })
  admin = await h.login('boss')
  laborant = await h.login('lab')
})
afterAll(() => h.close())

const file = (v: string) => `Deltica-Setup-${v}.exe`

async function publish(version: string, bytes = randomBytes(300_000), token = admin) {
  installers.set(version, bytes)
  return h.call('PUT', `/api/releases/${version}/${file(version)}`, {
    token,
    raw: bytes,
    headers: { 'content-type': 'application/octet-stream' },
  })
}
async function latest() {
  const res = await h.call('GET', '/api/releases/latest.yml')
  expect(res.status).toBe(200)
  return parse(await res.text())
}

describe('client releases', () => {
  it('nothing published: latest.yml is 404 with a Russian message', async () => {
    const res = await h.call('GET', '/api/releases/latest.yml')
    expect(res.status).toBe(404)
    expect((await res.json()).error).toBe('Обновления клиента не опубликованы')
  })

  it('publishing is admin-only and validates version and file name', async () => {
    expect((await publish('1.0.0', randomBytes(10), laborant)).status).toBe(403)
    const anon = await h.call('PUT', `/api/releases/1.0.0/${file('1.0.0')}`, {
      raw: randomBytes(10),
    })
    expect(anon.status).toBe(401)
    const badVersion = await h.call('PUT', '/api/releases/1.0/x-1.0.exe', {
      token: admin,
      raw: randomBytes(10),
    })
    expect(badVersion.status).toBe(400)
    const badName = await h.call('PUT', '/api/releases/1.0.0/..%2Fevil-1.0.0.exe', {
      token: admin,
      raw: randomBytes(10),
    })
    expect(badName.status).toBe(400)
    const noVersionInName = await h.call('PUT', '/api/releases/1.0.0/Deltica-Setup.exe', {
      token: admin,
      raw: randomBytes(10),
    })
    expect(noVersionInName.status).toBe(400)
    const empty = await h.call('PUT', `/api/releases/1.0.0/${file('1.0.0')}`, {
      token: admin,
      raw: new Uint8Array(0),
    })
    expect(empty.status).toBe(400)
    expect(existsSync(join(h.config.dataDir, 'releases', '1.0.0'))).toBe(false)
    // no temp directories left behind by the refusals
    expect(
      readdirSync(join(h.config.dataDir, 'releases')).filter((n) => n.startsWith('.')),
    ).toEqual([])
  })

  it('latest.yml describes the published installer; its sha512 matches the bytes served', async () => {
    // leftovers of a crash mid-publish a day ago are swept by the next publish
    const stale = join(h.config.dataDir, 'releases', '.crashed.part')
    mkdirSync(stale)
    const old = new Date(Date.now() - 2 * 24 * 3600 * 1000)
    utimesSync(stale, old, old)
    const res = await publish('1.0.0')
    expect(existsSync(stale)).toBe(false)
    expect(res.status).toBe(201)
    const yml = await latest()
    const bytes = installers.get('1.0.0')!
    const sha512 = createHash('sha512').update(bytes).digest('base64')
    expect(yml).toMatchObject({
      version: '1.0.0',
      path: file('1.0.0'),
      sha512,
      files: [{ url: file('1.0.0'), sha512, size: bytes.length }],
    })
    expect(Number.isNaN(Date.parse(yml.releaseDate))).toBe(false)
    // quoted like electron-builder's, so js-yaml in the client reads a string
    const raw = await (await h.call('GET', '/api/releases/latest.yml')).text()
    expect(raw).toMatch(/^releaseDate: '\d{4}-\d\d-\d\dT[\d:.]+Z'$/m)
    expect(yml.rollback).toBeUndefined()

    const dl = await h.call('GET', `/api/releases/${yml.files[0].url}`)
    expect(dl.status).toBe(200)
    expect(dl.headers.get('content-type')).toBe('application/octet-stream')
    expect(dl.headers.get('accept-ranges')).toBe('bytes')
    expect(dl.headers.get('content-length')).toBe(String(bytes.length))
    const served = Buffer.from(await dl.arrayBuffer())
    expect(createHash('sha512').update(served).digest('base64')).toBe(yml.sha512)
  })

  it('range requests: 206 with Content-Range, suffix ranges, 416 past the end', async () => {
    const bytes = installers.get('1.0.0')!
    const url = `/api/releases/${file('1.0.0')}`
    const part = await h.call('GET', url, { headers: { range: 'bytes=1000-1999' } })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${bytes.length}`)
    expect(part.headers.get('content-length')).toBe('1000')
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(1000, 2000))).toBe(true)

    const resume = await h.call('GET', url, { headers: { range: 'bytes=299000-' } })
    expect(resume.status).toBe(206)
    expect(Buffer.from(await resume.arrayBuffer()).equals(bytes.subarray(299000))).toBe(true)

    const tail = await h.call('GET', url, { headers: { range: 'bytes=-10' } })
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(-10))).toBe(true)

    const beyond = await h.call('GET', url, { headers: { range: `bytes=${bytes.length}-` } })
    expect(beyond.status).toBe(416)
    expect(beyond.headers.get('content-range')).toBe(`bytes */${bytes.length}`)

    const several = await h.call('GET', url, { headers: { range: 'bytes=0-1,5-6' } })
    expect(several.status).toBe(200) // several ranges are answered with the whole file

    expect((await h.call('GET', '/api/releases/nope.exe')).status).toBe(404)
  })

  it('a new release replaces the current one and keeps the previous; older or same refused', async () => {
    expect((await publish('1.1.0')).status).toBe(201)
    expect((await latest()).version).toBe('1.1.0')
    // the previous installer is still downloadable
    expect((await h.call('GET', `/api/releases/${file('1.0.0')}`)).status).toBe(200)
    const same = await publish('1.1.0')
    expect(same.status).toBe(409)
    const older = await publish('1.0.5')
    expect(older.status).toBe(409)
    expect((await older.json()).error).toContain('старше действующей 1.1.0')
    expect((await latest()).version).toBe('1.1.0')

    const list = await h.call('GET', '/api/releases', { token: admin })
    expect(await list.json()).toMatchObject({
      current: '1.1.0',
      previous: '1.0.0',
      rollback: false,
      releases: [{ version: '1.1.0' }, { version: '1.0.0' }],
    })
    expect((await h.call('GET', '/api/releases', { token: laborant })).status).toBe(403)
  })

  it('rollback: the admin activates a kept older release, latest.yml marks it; re-activating clears it', async () => {
    expect(
      (
        await h.call('PUT', '/api/releases/current', {
          token: laborant,
          body: { version: '1.0.0' },
        })
      ).status,
    ).toBe(403)
    const back = await h.call('PUT', '/api/releases/current', {
      token: admin,
      body: { version: '1.0.0' },
    })
    expect(back.status).toBe(200)
    expect(await back.json()).toEqual({ current: '1.0.0', previous: '1.1.0', rollback: true })
    const yml = await latest()
    expect(yml).toMatchObject({ version: '1.0.0', rollback: true })
    const [audit] =
      await h.sql`select action from audit_log where entity = 'release' order by id desc limit 1`
    expect(audit.action).toBe('release_rollback')

    const forward = await h.call('PUT', '/api/releases/current', {
      token: admin,
      body: { version: '1.1.0' },
    })
    expect(await forward.json()).toMatchObject({ current: '1.1.0', rollback: false })
    expect((await latest()).rollback).toBeUndefined()
    expect(
      (await h.call('PUT', '/api/releases/current', { token: admin, body: { version: '9.9.9' } }))
        .status,
    ).toBe(404)
  })

  it(`keeps the ${KEEP_RELEASES} newest releases (and the active one) on disk`, async () => {
    for (const v of ['1.2.0', '1.3.0-beta.1', '1.3.0']) expect((await publish(v)).status).toBe(201)
    const dirs = readdirSync(join(h.config.dataDir, 'releases'))
      .filter((n) => /^\d/.test(n))
      .sort()
    expect(dirs).toEqual(['1.2.0', '1.3.0', '1.3.0-beta.1'])
    expect((await latest()).version).toBe('1.3.0')
    expect((await h.call('GET', `/api/releases/${file('1.0.0')}`)).status).toBe(404)
  })

  it('an interrupted upload leaves nothing and changes nothing', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(randomBytes(1000))
        c.error(new Error('connection reset'))
      },
    })
    const res = await h.app.fetch(
      new Request('http://deltica.test/api/releases/2.0.0/Deltica-Setup-2.0.0.exe', {
        method: 'PUT',
        headers: { authorization: `Bearer ${admin}` },
        body,
        duplex: 'half',
      } as RequestInit),
    )
    expect(res.status).toBe(400)
    expect((await latest()).version).toBe('1.3.0')
    expect(
      readdirSync(join(h.config.dataDir, 'releases')).filter(
        (n) => n.startsWith('.') || n === '2.0.0',
      ),
    ).toEqual([])
  })
})

describe('release helpers', () => {
  it('orders versions the semver way', () => {
    expect(compareVersions('1.10.0', '1.9.9')).toBe(1)
    expect(compareVersions('1.3.0-beta.1', '1.3.0')).toBe(-1)
    expect(compareVersions('1.3.0-beta.2', '1.3.0-beta.10')).toBe(-1)
    expect(compareVersions('2.0.0', '2.0.0')).toBe(0)
  })

  it('parses byte ranges', () => {
    expect(parseRange(null, 100)).toBeNull()
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 })
    expect(parseRange('bytes=90-200', 100)).toEqual({ start: 90, end: 99 })
    expect(parseRange('bytes=-5', 100)).toEqual({ start: 95, end: 99 })
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable')
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable')
    expect(parseRange('items=0-1', 100)).toBeNull()
    expect(parseRange('bytes=5-2', 100)).toBeNull()
  })
})

describe("electron-updater's own generic provider reads what the server serves", () => {
  // the real provider code from electron-updater; only its HTTP executor is the test app
  const executor = {
    async request(options: { path?: string; headers?: Record<string, string> }) {
      const res = await h.call('GET', options.path!, { headers: options.headers })
      if (!res.ok) throw new HttpError(res.status, await res.text())
      return res.text()
    },
  }
  const provider = () =>
    new GenericProvider(
      { provider: 'generic', url: 'http://deltica.test/api/releases' },
      { channel: null, isAddNoCacheQuery: false } as any,
      { executor, isUseMultipleRangeRequest: false, platform: 'win32' } as any,
    )

  async function download(url: URL, expected: string, tamper = false) {
    const res = await h.call('GET', url.pathname)
    const bytes = Buffer.from(await res.arrayBuffer())
    if (tamper) bytes[100] ^= 0xff
    // electron-updater checks a download with this transform and discards it on a mismatch
    await pipeline(
      Readable.from([bytes]),
      new DigestTransform(expected, 'sha512', 'base64'),
      new PassThrough().resume(),
    )
  }

  it('finds the release, resolves the installer URL and verifies its sha512; a corrupted copy fails', async () => {
    const p = provider()
    const info = await p.getLatestVersion()
    expect(info.version).toBe('1.3.0')
    const [file] = p.resolveFiles(info)
    expect(file.url.href).toBe('http://deltica.test/api/releases/Deltica-Setup-1.3.0.exe')
    await download(file.url, file.info.sha512)
    await expect(download(file.url, file.info.sha512, true)).rejects.toMatchObject({
      code: 'ERR_CHECKSUM_MISMATCH',
    })
    expect(
      verifyDownload(info, createHash('sha512').update(installers.get('1.3.0')!).digest('base64')),
    ).toBe('ok')
    expect(decideUpdate('1.2.0', info)).toMatchObject({ action: 'download', version: '1.3.0' })
    expect(decideUpdate('1.3.0', info)).toMatchObject({ action: 'none', reason: 'same' })
  })

  it("carries the admin's rollback mark to the client's decision", async () => {
    await h.call('PUT', '/api/releases/current', { token: admin, body: { version: '1.2.0' } })
    const info = await provider().getLatestVersion()
    expect(info).toMatchObject({ version: '1.2.0', rollback: true })
    expect(decideUpdate('1.3.0', info)).toEqual({
      action: 'download',
      version: '1.2.0',
      downgrade: true,
    })
    await h.call('PUT', '/api/releases/current', { token: admin, body: { version: '1.3.0' } })
    const back = await provider().getLatestVersion()
    expect(decideUpdate('1.2.0', back)).toMatchObject({ action: 'download', downgrade: false })
    expect(decideUpdate('1.3.0', back).action).toBe('none')
  })
})
