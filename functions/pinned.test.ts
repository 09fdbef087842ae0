// Branch-wide pinned PDFs: PDF by content only, admin writes, everyone reads, files on disk
// follow the rows, every change audited.
import { createHash } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { harness, type Harness } from '../test/app.ts'
import { multipart, SAMPLES } from '../test/samples.ts'
import { pinnedDir } from '../test/files.ts'

let h: Harness
let admin: string
let laborant: string

const post = (filename: string, content: Buffer, token = admin) => {
  const { body, contentType } = multipart([{ name: 'file', filename, content }])
  return h.call('POST', '/api/pinned', {
    token,
    headers: { 'content-type': contentType },
    raw: body,
  })
}

beforeAll(async () => {
  h = await harness()
  await h.makeUser({ username: 'boss', role: 'admin' })
  await h.makeUser({ username: 'lab', role: 'laborant', department: 'ltr' })
  admin = await h.login('boss')
  laborant = await h.login('lab')
})
afterAll(() => h.close())

describe('pinned documents', () => {
  it('admin uploads a PDF; everyone lists, views and downloads it; admin deletes it', async () => {
    const name = 'График поверки на 2026 год № 5 (утв.).pdf'
    const res = await post(name, SAMPLES.pdf)
    expect(res.status).toBe(201)
    const doc = await res.json()
    expect(doc.original_name).toBe(name)
    expect(doc.sha256).toBe(createHash('sha256').update(SAMPLES.pdf).digest('hex'))

    const list = await (await h.call('GET', '/api/pinned', { token: laborant })).json()
    expect(list.items.map((d: any) => d.id)).toEqual([doc.id])
    const view = await h.call('GET', `/api/pinned/${doc.id}`, { token: laborant })
    expect(view.status).toBe(200)
    expect(view.headers.get('content-type')).toBe('application/pdf')
    expect(view.headers.get('content-disposition')).toMatch(
      /^inline; filename="[^"]*"; filename\*=UTF-8''/,
    )
    expect(Buffer.from(await view.arrayBuffer())).toEqual(SAMPLES.pdf)
    const dl = await h.call('GET', `/api/pinned/${doc.id}?download=1`, { token: laborant })
    const cd = dl.headers.get('content-disposition')!
    expect(cd).toMatch(/^attachment; /)
    expect(decodeURIComponent(cd.split("UTF-8''")[1])).toBe(name)

    expect((await h.call('DELETE', `/api/pinned/${doc.id}`, { token: laborant })).status).toBe(403)
    const [{ storage_name }] =
      await h.sql`select storage_name from pinned_document where id = ${doc.id}`
    expect(existsSync(join(pinnedDir(h.config.dataDir), storage_name))).toBe(true)
    expect((await h.call('DELETE', `/api/pinned/${doc.id}`, { token: admin })).status).toBe(204)
    expect(readdirSync(pinnedDir(h.config.dataDir))).toEqual([])
    expect((await h.call('GET', `/api/pinned/${doc.id}`, { token: admin })).status).toBe(404)
    const actions =
      await h.sql`select action from audit_log where entity = 'pinned_document' order by id`
    expect(actions.map((a) => a.action)).toEqual(['pinned_upload', 'pinned_delete'])
  })

  it.each([
    ['Инструкция.docx', SAMPLES.docx],
    ['Фото.png', SAMPLES.png],
    ['renamed.pdf', SAMPLES.exe],
    ['docx-as.pdf', SAMPLES.docx],
    ['Инструкция.pdf.exe', SAMPLES.pdf],
  ])('refuses %s with 415', async (name, content) => {
    const res = await post(name, content)
    expect(res.status).toBe(415)
    expect(readdirSync(pinnedDir(h.config.dataDir))).toEqual([])
  })

  it('laborants cannot upload; nobody anonymous reads', async () => {
    expect((await post('a.pdf', SAMPLES.pdf, laborant)).status).toBe(403)
    expect((await h.call('GET', '/api/pinned')).status).toBe(401)
  })
})
