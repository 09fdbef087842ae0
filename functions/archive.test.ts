// The archive: archive → restore loses nothing (rows, history, files with pins and order, bytes on
// disk) and keeps ids; an instrument without files; purge removes rows and files; laborant
// scoping and hidden finance; list filters; the list is the register's (same search rules);
// audit of every action.
import { existsSync, readdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { harness, type Harness } from '../test/app.ts'
import { insertEquipment, multipart, SAMPLES } from '../test/samples.ts'
import { equipmentDir } from '../test/files.ts'

let h: Harness
let admin: string
let laborant: string
let otherLaborant: string

async function upload(equipmentId: number, filename: string, content: Buffer, category: string) {
  const { body, contentType } = multipart([
    { name: 'category', value: category },
    { name: 'file', filename, content },
  ])
  const res = await h.call('POST', `/api/upload/equipment/${equipmentId}`, {
    token: admin,
    headers: { 'content-type': contentType },
    raw: body,
  })
  expect(res.status).toBe(201)
  return (await res.json()).id as number
}

/** Everything an instrument owns, as stored (ignoring the archive columns and version). */
async function snapshot(id: number) {
  const sql = h.sql
  const [e] = await sql`
    select id, equipment_name, equipment_model, equipment_type, equipment_specs, factory_number,
           inventory_number, equipment_year, created_at, created_by
    from equipment where id = ${id}`
  return {
    equipment: e,
    verification: await sql`select * from verification where equipment_id = ${id}`,
    responsibility: await sql`select * from responsibility where equipment_id = ${id}`,
    finance: await sql`select * from finance where equipment_id = ${id}`,
    history: await sql`select * from verification_history where equipment_id = ${id} order by id`,
    files: await sql`select * from equipment_file where equipment_id = ${id} order by position, id`,
    disk: readdirSync(equipmentDir(h.config.dataDir, id)).sort(),
  }
}

const archive = (equipment_id: number, reason = 'Извещение о непригодности') =>
  h.call('POST', '/api/archive', { token: admin, body: { equipment_id, reason } })

beforeAll(async () => {
  h = await harness()
  await h.makeUser({ username: 'boss', role: 'admin', full_name: 'Петров П. П.' })
  await h.makeUser({ username: 'lab', role: 'laborant', department: 'gtl' })
  await h.makeUser({ username: 'lab2', role: 'laborant', department: 'lbr' })
  admin = await h.login('boss')
  laborant = await h.login('lab')
  otherLaborant = await h.login('lab2')
})
afterAll(() => h.close())

describe('archive and restore', () => {
  it('round trip keeps the id, sections, history, files with pins and order, bytes on disk', async () => {
    const id = await insertEquipment(h.sql, { department: 'gtl', name: 'Термометр' })
    await h.sql`
      insert into verification_history
        (equipment_id, verification_type, verification_interval, verification_date, verification_due, verifier_org)
      values (${id}, 'verification', 12, '2023-05-10', '2024-05-09', 'ТЦСМ'),
             (${id}, 'calibration', 24, '2021-03-01', '2023-02-28', 'ВНИИМ')`
    const a = await upload(id, 'Свидетельство № 1.pdf', SAMPLES.pdf, 'verification_docs')
    const b = await upload(id, 'Паспорт.docx', SAMPLES.docx, 'general_docs')
    const c = await upload(id, 'Фото.png', SAMPLES.png, 'general_docs')
    await h.call('PATCH', `/api/upload/${b}`, { token: admin, body: { pinned: true } })
    await h.call('PUT', `/api/upload/equipment/${id}/order`, {
      token: admin,
      body: { file_ids: [c, a, b] },
    })
    const before = await snapshot(id)
    expect(before.files.map((f) => f.id)).toEqual([c, a, b])
    expect(before.disk).toHaveLength(3)

    const res = await archive(id)
    expect(res.status).toBe(201)
    const archived = await res.json()
    expect(archived.id).toBe(id)
    expect(archived.archive_reason).toBe('Извещение о непригодности')
    expect(archived.archived_by_name).toBe('Петров П. П.')
    expect(archived.files.map((f: any) => [f.id, f.pinned])).toEqual([
      [c, false],
      [a, false],
      [b, true],
    ])
    expect(archived.history).toHaveLength(2)
    const [{ n: active }] =
      await h.sql`select count(*)::int as n from equipment_active where id = ${id}`
    expect(active).toBe(0)
    expect(await snapshot(id)).toEqual(before)
    expect((await archive(id)).status).toBe(409)

    const restored = await h.call('POST', `/api/archive/${id}/restore`, { token: admin })
    expect(restored.status).toBe(200)
    const record = await restored.json()
    expect(record.id).toBe(id)
    // the register's record, as GET /api/equipment/:id answers it
    expect(record).not.toHaveProperty('archived_at')
    const got = await h.call('GET', `/api/equipment/${id}`, { token: admin })
    expect(await got.json()).toEqual(record)
    expect(record.files.map((f: any) => f.id)).toEqual([c, a, b])
    expect(await snapshot(id)).toEqual(before)
    const [{ n: back }] =
      await h.sql`select count(*)::int as n from equipment_active where id = ${id}`
    expect(back).toBe(1)
    // file ids still resolve to the same bytes
    const dl = await h.call('GET', `/api/upload/${a}`, { token: admin })
    expect(Buffer.from(await dl.arrayBuffer())).toEqual(SAMPLES.pdf)
    expect((await h.call('POST', `/api/archive/${id}/restore`, { token: admin })).status).toBe(404)

    const audit = await h.sql`
      select action, changes from audit_log where entity = 'equipment' and entity_id = ${String(id)} order by id`
    expect(audit.map((r) => r.action)).toEqual(['file_reorder', 'archive', 'restore'])
    expect(audit[1].changes.archive_reason.new).toBe('Извещение о непригодности')
  })

  it('archives an instrument that has no files; the reason is required and editable', async () => {
    const id = await insertEquipment(h.sql, { department: 'gtl' })
    const empty = await h.call('POST', '/api/archive', {
      token: admin,
      body: { equipment_id: id, reason: '   ' },
    })
    expect(empty.status).toBe(400)
    const res = await archive(id, 'Утерян')
    expect(res.status).toBe(201)
    const archived = await res.json()
    expect(archived.files).toEqual([])
    const patched = await h.call('PATCH', `/api/archive/${id}`, {
      token: admin,
      body: { reason: 'Извещение о непригодности № 7', version: archived.version },
    })
    expect(patched.status).toBe(200)
    expect(await patched.json()).toMatchObject({
      archive_reason: 'Извещение о непригодности № 7',
      version: archived.version + 1,
    })
    // the version is checked: a stale one gets the one 409 body (current record, who, when)
    const stale = await h.call('PATCH', `/api/archive/${id}`, {
      token: admin,
      body: { reason: 'Поздно', version: archived.version },
    })
    expect(stale.status).toBe(409)
    expect(await stale.json()).toMatchObject({
      error: expect.stringContaining('другой пользователь'),
      current: { id, archive_reason: 'Извещение о непригодности № 7' },
      changed_by: expect.any(String),
      changed_at: expect.any(String),
    })
    const noVersion = await h.call('PATCH', `/api/archive/${id}`, {
      token: admin,
      body: { reason: 'Без версии' },
    })
    expect(noVersion.status).toBe(400)
    expect((await noVersion.json()).fields).toEqual([expect.objectContaining({ field: 'version' })])
    const [log] = await h.sql`
      select changes from audit_log where action = 'archive_update' and entity_id = ${String(id)}`
    expect(log.changes.archive_reason).toEqual({
      old: 'Утерян',
      new: 'Извещение о непригодности № 7',
    })
    expect((await archive(999_999)).status).toBe(404)
  })

  it('permanent delete removes the rows and the files on disk, only from the archive', async () => {
    const id = await insertEquipment(h.sql, { department: 'gtl' })
    const f = await upload(id, 'a.pdf', SAMPLES.pdf, 'verification_docs')
    await upload(id, 'b.jpg', SAMPLES.jpg, 'general_docs')
    expect((await h.call('DELETE', `/api/archive/${id}`, { token: admin })).status).toBe(404)
    await archive(id)
    // the one purge (domain/equipment/edit.ts) deletes from the register only what is in it
    expect((await h.call('DELETE', `/api/equipment/${id}`, { token: admin })).status).toBe(404)
    expect((await h.call('DELETE', `/api/archive/${id}`, { token: laborant })).status).toBe(403)
    const res = await h.call('DELETE', `/api/archive/${id}`, { token: admin })
    expect(res.status).toBe(204)
    expect(await res.text()).toBe('')
    expect(existsSync(equipmentDir(h.config.dataDir, id))).toBe(false)
    for (const table of ['equipment_file', 'verification', 'responsibility', 'finance']) {
      const [{ n }] =
        await h.sql`select count(*)::int as n from ${h.sql(table)} where equipment_id = ${id}`
      expect(n, table).toBe(0)
    }
    expect((await h.call('GET', `/api/upload/${f}`, { token: admin })).status).toBe(404)
    const [log] =
      await h.sql`select changes from audit_log where action = 'purge' and entity_id = ${String(id)}`
    expect(log.changes.files).toBe(2)
  })
})

describe('list and access', () => {
  it('laborants read their own department only, without finance; writes are admin-only', async () => {
    const mine = await insertEquipment(h.sql, { department: 'gtl', name: 'Ареометр' })
    const theirs = await insertEquipment(h.sql, { department: 'lbr', name: 'Ареометр' })
    await archive(mine, 'Сломан')
    await archive(theirs, 'Сломан')

    const list = await (await h.call('GET', '/api/archive?q=ареометр', { token: laborant })).json()
    expect(list.items.map((r: any) => r.id)).toEqual([mine])
    expect(list.total).toBe(1)
    const all = await (await h.call('GET', '/api/archive?q=ареометр', { token: admin })).json()
    expect(all.items.map((r: any) => r.id).sort()).toEqual([mine, theirs].sort())

    const record = await (await h.call('GET', `/api/archive/${mine}`, { token: laborant })).json()
    expect(record.id).toBe(mine)
    expect(record).not.toHaveProperty('budget_item')
    expect(record).not.toHaveProperty('total_cost')
    const full = await (await h.call('GET', `/api/archive/${mine}`, { token: admin })).json()
    expect(full.budget_item).toBe('11.03.02.01')
    expect((await h.call('GET', `/api/archive/${theirs}`, { token: laborant })).status).toBe(404)
    expect((await h.call('GET', `/api/archive/${mine}`, { token: otherLaborant })).status).toBe(404)

    expect(
      (
        await h.call('POST', '/api/archive', {
          token: laborant,
          body: { equipment_id: mine, reason: 'x' },
        })
      ).status,
    ).toBe(403)
    expect(
      (await h.call('PATCH', `/api/archive/${mine}`, { token: laborant, body: { reason: 'x' } }))
        .status,
    ).toBe(403)
    expect((await h.call('POST', `/api/archive/${mine}/restore`, { token: laborant })).status).toBe(
      403,
    )
  })

  it('filters by search words, department and archive date; pages with a total', async () => {
    const ids: number[] = []
    for (const [dept, name] of [
      ['ltr', 'Весы лабораторные'],
      ['ltr', 'Сито лабораторное'],
      ['es', 'Весы платформенные'],
    ]) {
      const id = await insertEquipment(h.sql, { department: dept, name })
      await archive(id, 'Извещение о непригодности')
      ids.push(id)
    }
    await h.sql`update equipment set archived_at = '2025-03-15 12:00+03' where id = ${ids[0]}`
    const get = async (qs: string) =>
      (await (await h.call('GET', `/api/archive?${qs}`, { token: admin })).json()) as {
        items: { id: number }[]
        total: number
      }
    expect((await get('q=весы лтр')).items.map((r) => r.id)).toEqual([ids[0]])
    expect((await get('q=лабораторн&department=ltr')).items.map((r) => r.id).sort()).toEqual(
      [ids[0], ids[1]].sort(),
    )
    expect(
      (await get('department=ltr,es&from=2025-03-15&to=2025-03-15')).items.map((r) => r.id),
    ).toEqual([ids[0]])
    expect((await get('q=%25')).items).toEqual([])
    const page = await get('department=ltr,es&limit=2')
    expect(page.items).toHaveLength(2)
    expect(page.total).toBe(3)
    const beyond = await get('department=ltr,es&limit=2&offset=10')
    expect(beyond).toEqual({ items: [], total: 3 })
    expect((await h.call('GET', '/api/archive?from=2025-02-30', { token: admin })).status).toBe(400)
  })

  it('is the register list over the archived rows: its search (labels, finance for admins), scope and kept total', async () => {
    // twins: one written off, one left in the register
    const gone = await insertEquipment(h.sql, {
      department: 'gtl',
      name: 'Барометр-анероид БАММ',
      due_in_days: -5,
    })
    const kept = await insertEquipment(h.sql, {
      department: 'gtl',
      name: 'Барометр-анероид БАММ',
      due_in_days: -5,
    })
    await archive(gone, 'Разбит при перевозке')
    const list = async (path: string, q: string, token: string) => {
      const res = await h.call('GET', `${path}?q=${encodeURIComponent(q)}`, { token })
      expect(res.status).toBe(200)
      const page = (await res.json()) as { items: { id: number }[]; total: number }
      expect(page.total).toBe(page.items.length)
      return page.items.map((r) => r.id)
    }
    // Russian labels the rows do not hold as text: a status computed from the due date
    // («Просрочен»), the verification type («Поверка»), the state («В работе»), the type («СИ»)
    for (const q of ['барометр просрочен', 'барометр поверка', 'барометр работе', 'барометр си']) {
      expect(await list('/api/equipment', q, admin), q).toEqual([kept])
      expect(await list('/api/archive', q, admin), q).toEqual([gone])
      expect(await list('/api/archive', q, laborant), q).toEqual([gone])
      expect(await list('/api/archive', q, otherLaborant), q).toEqual([])
    }
    // finance words find rows for admins only, in both lists
    expect(await list('/api/equipment', 'барометр 11.03.02.01', admin)).toEqual([kept])
    expect(await list('/api/archive', 'барометр 11.03.02.01', admin)).toEqual([gone])
    expect(await list('/api/archive', 'барометр 11.03.02.01', laborant)).toEqual([])
    // the archive's addition: its reason
    expect(await list('/api/archive', 'перевозке', admin)).toEqual([gone])
    expect(await list('/api/equipment', 'перевозке', admin)).toEqual([])
    // the kept total follows archive moves (they bump the register's data version)
    await h.call('POST', `/api/archive/${gone}/restore`, { token: admin })
    expect(await list('/api/archive', 'барометр', admin)).toEqual([])
    expect((await list('/api/equipment', 'барометр', admin)).sort()).toEqual([gone, kept].sort())
  })
})
