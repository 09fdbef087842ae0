import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { harness, type Harness } from '../test/app.ts'
import { insertEquipment } from '../test/samples.ts'

let h: Harness
let admin: string
let adminId: number
beforeAll(async () => {
  h = await harness()
  adminId = await h.makeUser({ username: 'boss', role: 'admin' })
  await h.makeUser({ username: 'lab', role: 'laborant' })
  admin = await h.login('boss')
  // fixed rows at known local moments (the session's time zone)
  await h.sql`
    insert into audit_log (at, user_id, username, action, entity, entity_id, changes, ip)
    values
      ('2026-03-01 00:00:00', ${adminId}, 'boss', 'equipment_create', 'equipment', '1', null, 'x'),
      ('2026-03-31 23:59:59', ${adminId}, 'boss', 'equipment_update', 'equipment', '1', '{"a":{"old":1,"new":2}}', 'x'),
      ('2026-04-01 00:00:00', null, 'lab', 'equipment_update', 'equipment', '2', null, 'x'),
      ('2026-02-28 23:59:59', null, 'system', 'job_run', 'job', 'backup', null, 'local')`
})
afterAll(() => h.close())

const get = async (qs: string) => {
  const res = await h.call('GET', `/api/audit?${qs}`, { token: admin })
  expect(res.status).toBe(200)
  return (await res.json()) as { items: any[]; total: number }
}

describe('audit viewer', () => {
  it('filters by date range with inclusive local days', async () => {
    const march = await get('from=2026-03-01&to=2026-03-31')
    expect(march.total).toBe(2)
    expect(march.items.map((i) => i.action)).toEqual(['equipment_update', 'equipment_create'])
    expect(march.items[0].changes).toEqual({ a: { old: 1, new: 2 } })
    expect((await get('from=2026-02-28&to=2026-02-28')).total).toBe(1)
  })

  it('filters by user, username, entity, entity id, action (lists allowed), and pages', async () => {
    expect((await get(`user_id=${adminId}&to=2026-06-30&from=2026-01-01`)).total).toBe(2)
    expect((await get('username=LAB&from=2026-01-01&to=2026-06-30')).total).toBe(1)
    expect((await get('entity=job')).total).toBe(1)
    expect((await get('entity=equipment&entity_id=1')).total).toBe(2)
    expect((await get('action=job_run,equipment_create')).total).toBe(2)
    const logins = await get('action=login_success')
    expect(logins.total).toBeGreaterThanOrEqual(1) // the admin's own login
    const page = await get('from=2026-01-01&to=2026-06-30&limit=1&offset=1')
    expect(page.total).toBe(4)
    expect(page.items).toHaveLength(1)
    expect(page.items[0].at).toBeTruthy()
  })

  it('refuses bad filters with 400 and is admin-only', async () => {
    // every 400 names the field the client highlights
    const fieldOf = {
      'from=2026-13-01': 'from',
      'from=2026-05-01&to=2026-04-01': 'to',
      'limit=0': 'limit',
      'user_id=x': 'user_id',
    }
    for (const [qs, field] of Object.entries(fieldOf)) {
      const res = await h.call('GET', `/api/audit?${qs}`, { token: admin })
      expect(res.status).toBe(400)
      expect((await res.json()).fields, qs).toEqual([expect.objectContaining({ field })])
    }
    const lab = await h.login('lab')
    expect((await h.call('GET', '/api/audit', { token: lab })).status).toBe(403)
  })
})

describe('audit in Russian', () => {
  let id: number
  beforeAll(async () => {
    id = await insertEquipment(h.sql, { name: 'Термометр' })
    await h.sql`
      insert into audit_log (at, user_id, username, action, entity, entity_id, changes, ip)
      values ('2026-05-05 10:00:00', ${adminId}, 'boss', 'equipment_update', 'equipment', ${String(id)},
        ${h.sql.json({
          responsible_person: { old: 'Иванов И. И.', new: 'Петров П. П.' },
          department: { old: 'gtl', new: 'lbr' },
          equipment_type: { old: 'SI', new: 'IO' },
          verification_date: { old: '2025-04-01', new: '2026-04-01' },
          cost_rate: { old: '5200.5', new: 6000 },
        })}, 'x'),
        ('2026-05-05 11:00:00', ${adminId}, 'boss', 'settings_update', 'settings', null,
        ${h.sql.json({ notify_enabled: { old: false, new: true } })}, 'x')`
  })

  it('names actions, objects, fields and values as people read them', async () => {
    const { items } = await get('from=2026-05-05&to=2026-05-05')
    const [settings, update] = items
    expect(update.action_label).toBe('Изменение оборудования')
    expect(update.object).toBe('Термометр МП-100, зав. № F-1, инв. № I-1')
    expect(update.equipment_id).toBe(id)
    const byField = Object.fromEntries(update.changes_list.map((c: any) => [c.field, c]))
    expect(byField.responsible_person).toMatchObject({
      label: 'Ответственное лицо',
      old: 'Иванов И. И.',
      new: 'Петров П. П.',
    })
    expect(byField.department).toMatchObject({ label: 'Подразделение', old: 'ГТЛ', new: 'ЛБР' })
    expect(byField.equipment_type).toMatchObject({ old: 'СИ', new: 'ИО' })
    expect(byField.verification_date).toMatchObject({ old: '01.04.2025', new: '01.04.2026' })
    expect(byField.cost_rate.old).toMatch(/^5\s200,50 ₽$/)
    expect(settings.action_label).toBe('Изменение настроек')
    expect(settings.changes_list[0]).toMatchObject({ old: 'нет', new: 'да' })
    expect(settings.changes_list[0].label).toMatch(/^Рассылка напоминаний/)
  })

  it('exports the filtered log to XLSX with the same Russian text', async () => {
    const res = await h.call('GET', '/api/audit/export.xlsx?from=2026-05-05&to=2026-05-05', {
      token: admin,
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('spreadsheetml')
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as any)
    const ws = wb.worksheets[0]
    expect(ws.rowCount).toBe(3)
    expect(ws.getRow(1).values).toEqual([
      undefined,
      'Когда',
      'Кто',
      'Действие',
      'Объект',
      'Изменения',
      'IP',
    ])
    expect(ws.getRow(3).getCell(3).value).toBe('Изменение оборудования')
    expect(ws.getRow(3).getCell(4).value).toBe('Термометр МП-100, зав. № F-1, инв. № I-1')
    expect(String(ws.getRow(3).getCell(5).value)).toContain('Подразделение: ГТЛ → ЛБР')
    const lab = await h.login('lab')
    expect((await h.call('GET', '/api/audit/export.xlsx', { token: lab })).status).toBe(403)
  })

  it('an instrument deleted or purged is still named by its snapshot; every field has its label', async () => {
    const purged = await insertEquipment(h.sql, { name: 'Гигрометр' })
    const archived = await h.call('POST', '/api/archive', {
      token: admin,
      body: { equipment_id: purged, reason: 'Извещение о непригодности' },
    })
    expect(archived.status, await archived.clone().text()).toBe(201)
    expect((await h.call('DELETE', `/api/archive/${purged}`, { token: admin })).status).toBe(204)
    const deleted = await insertEquipment(h.sql, { name: 'Барометр' })
    expect((await h.call('DELETE', `/api/equipment/${deleted}`, { token: admin })).status).toBe(204)
    for (const [id, name] of [
      [purged, 'Гигрометр'],
      [deleted, 'Барометр'],
    ] as const) {
      const { items } = await get(`entity=equipment&entity_id=${id}`)
      expect(items.length).toBeGreaterThan(0)
      for (const item of items) {
        expect(item.object, item.action).toBe(`${name} МП-100, зав. № F-1, инв. № I-1`)
        // no card to open
        expect(item.equipment_id).toBe(null)
        for (const c of item.changes_list)
          expect(c.label, `${item.action}: ${c.field}`).not.toBe(c.field)
      }
    }
  })

  it('jobs, files, backups, releases and the 1.x import are labelled too', async () => {
    const rows: [string, string, string | null, Record<string, unknown>][] = [
      ['job_run', 'job', 'backup', { status: 'ok', duration_ms: 1250, error: null }],
      ['job_run', 'job', 'recall-digest', { status: 'error', duration_ms: 30, error: 'нет связи' }],
      [
        'file_upload',
        'equipment_file',
        '7',
        {
          equipment_id: 3,
          original_name: 'a.pdf',
          category: 'verification_docs',
          size: 1024,
          sha256: 'ab12',
        },
      ],
      ['file_update', 'equipment_file', '7', { pinned: { old: false, new: true } }],
      ['file_reorder', 'equipment', '3', { file_order: { old: [7, 8], new: [8, 7] } }],
      ['pinned_upload', 'pinned_document', '2', { original_name: 'b.pdf', size: 10, sha256: 'cd' }],
      [
        'backup_restore',
        'backup',
        null,
        { created_at: '2026-05-01T02:00:00Z', files: 12, mismatches: 0 },
      ],
      [
        'release_publish',
        'release',
        null,
        { current: { old: '1.0.0', new: '1.1.0' }, file: { old: null, new: 'd.exe' } },
      ],
      [
        'deltica1_import',
        'system',
        '1',
        { instruments: 10, users: 2, files: 3, contracts: 1, source_equipment: 11 },
      ],
    ]
    for (const [action, entity, entityId, changes] of rows)
      await h.sql`
        insert into audit_log (at, user_id, username, action, entity, entity_id, changes, ip)
        values ('2026-05-07 10:00:00', ${adminId}, 'boss', ${action}, ${entity}, ${entityId},
          ${h.sql.json(changes as any)}, 'x')`
    const { items } = await get('from=2026-05-07&to=2026-05-07')
    expect(items).toHaveLength(rows.length)
    for (const item of items) {
      expect(item.action_label).not.toBe(item.action)
      for (const c of item.changes_list) {
        expect(c.label, `${item.action}: ${c.field}`).not.toBe(c.field)
        for (const v of [c.old, c.new])
          expect(String(v), `${item.action}: ${c.field}`).not.toMatch(
            /^(ok|error|true|false|verification_docs)$/,
          )
      }
    }
    const jobs = items.filter((i: any) => i.action === 'job_run')
    expect(jobs.map((j: any) => j.object).sort()).toEqual([
      'Задание «Рассылка напоминаний»',
      'Задание «Резервная копия по расписанию»',
    ])
    const backup = jobs.find((j: any) => j.object.includes('копия'))
    expect(backup.changes_list.find((c: any) => c.field === 'status').new).toBe('выполнено')
  })
})
