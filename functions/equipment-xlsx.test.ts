// Excel in and out, read back with exceljs: Russian headers and labels, dates as dates, finance
// only for admins; export → import reproduces the data; a broken file changes nothing and lists
// every bad row.
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { harness, type Harness } from '../test/app.ts'
import { inDays, instrument } from '../test/equipment.ts'
import { seedDemo } from '../domain/equipment/seed-demo.ts'
import { exportFileName } from '../domain/equipment/xlsx/layout.ts'

let h: Harness
let admin: string
let lab: string

beforeAll(async () => {
  h = await harness()
  await h.makeUser({ username: 'metro', role: 'admin' })
  await h.makeUser({ username: 'lab', role: 'laborant', department: 'gtl' })
  admin = await h.login('metro')
  lab = await h.login('lab')
  await seedDemo(h.sql, { count: 60, seed: 7 })
  const res = await h.call('POST', '/api/equipment', {
    token: admin,
    body: instrument({ verification_date: '2025-10-08', equipment_specs: null }),
  })
  expect(res.status).toBe(201)
})
afterAll(() => h.close())

async function exportBook(query = '', token = admin) {
  const res = await h.call('GET', `/api/equipment/export.xlsx${query}`, { token })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toContain('spreadsheetml')
  expect(res.headers.get('content-disposition')).toContain("filename*=UTF-8''")
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load((await res.arrayBuffer()) as any)
  return wb
}

async function upload(wb: ExcelJS.Workbook, query = '') {
  const bytes = Buffer.from(await wb.xlsx.writeBuffer())
  const res = await h.call('POST', `/api/equipment/import${query}`, { token: admin, raw: bytes })
  return { status: res.status, body: await res.json() }
}

async function snapshot() {
  return h.sql`select * from equipment_full order by id`
}

const headers = (ws: ExcelJS.Worksheet) =>
  (ws.getRow(1).values as unknown[]).slice(1).map((v) => String(v))

describe('export', () => {
  it('Russian headers, labels not codes, dates as dates, always ID; finance for admins only', async () => {
    const wb = await exportBook('?sort=verification_date&order=desc')
    const ws = wb.worksheets[0]
    const hs = headers(ws)
    expect(hs[0]).toBe('ID')
    expect(hs).toEqual(
      expect.arrayContaining(['Наименование', 'Статус', 'Подразделение', 'Итоговая стоимость']),
    )
    const [{ n }] = await h.sql`select count(*)::int as n from equipment_active`
    expect(ws.actualRowCount).toBe(n + 1)
    const row = ws.getRow(2)
    const cell = (header: string) => row.getCell(hs.indexOf(header) + 1).value
    expect(cell('Дата последней верификации')).toBeInstanceOf(Date)
    expect([
      'Годен',
      'Истекает',
      'Просрочен',
      'На консервации',
      'На верификации',
      'В ремонте',
    ]).toContain(cell('Статус'))
    expect([
      'ГТЛ',
      'ЛХАиЭИ',
      'ЛБР',
      'ЛТР',
      'ЭС',
      'ОГМК',
      'ТО',
      'ТС',
      'ОИИ',
      'СОИИ',
      'СМТСиК',
      'ОООПС',
      'Группа СМ',
    ]).toContain(cell('Подразделение'))
    expect(cell('План')).toMatch(/^[А-Я][а-я]+ \d{4}$/)
    // sorted as asked: the dates descend
    const dates = []
    for (let r = 2; r <= ws.actualRowCount; r++)
      dates.push(
        (
          ws.getRow(r).getCell(hs.indexOf('Дата последней верификации') + 1).value as Date
        ).getTime(),
      )
    expect(dates).toEqual([...dates].sort((a, b) => b - a))

    const labWs = (await exportBook('', lab)).worksheets[0]
    const labHs = headers(labWs)
    expect(labHs).not.toContain('Итоговая стоимость')
    expect(labHs).not.toContain('Статья бюджета')
    const [{ own }] =
      await h.sql`select count(*)::int as own from equipment_active where department = 'gtl'`
    expect(labWs.actualRowCount).toBe(own + 1)
  })

  it('the same filters as the list', async () => {
    const ws = (await exportBook('?status=status_storage&department=gtl')).worksheets[0]
    const list = await (
      await h.call('GET', '/api/equipment?status=status_storage&department=gtl&limit=1000', {
        token: admin,
      })
    ).json()
    expect(ws.actualRowCount - 1).toBe(list.total)
  })
})

describe('import', () => {
  it('export → import: nothing changes; an edited cell updates that field; a row without ID is created', async () => {
    const before = await snapshot()
    const wb = await exportBook()
    const same = await upload(wb)
    expect(same.status, JSON.stringify(same.body)).toBe(200)
    expect(same.body).toMatchObject({ created: 0, updated: 0, unchanged: before.length })
    expect(await snapshot()).toEqual(before)

    const ws = wb.worksheets[0]
    const hs = headers(ws)
    const col = (header: string) => hs.indexOf(header) + 1
    ws.getRow(2).getCell(col('Ответственное лицо')).value = 'Ильин П. Р.'
    ws.getRow(2).getCell(col('Состояние')).value = 'В ремонте'
    ws.getRow(2).getCell(col('Дата последней верификации')).value = '08.10.2025'
    const id = Number(ws.getRow(2).getCell(1).value)
    const copy = ws.addRow((ws.getRow(3).values as unknown[]).slice(1))
    copy.getCell(1).value = null
    copy.getCell(col('Наименование')).value = 'Новый прибор из Excel'

    const dry = await upload(wb, '?dry_run=1')
    expect(dry.status).toBe(200)
    expect(dry.body).toMatchObject({ dry_run: true, created: 1, updated: 1 })
    expect(await snapshot()).toEqual(before)

    const done = await upload(wb)
    expect(done.status, JSON.stringify(done.body)).toBe(200)
    expect(done.body).toMatchObject({ created: 1, updated: 1, unchanged: before.length - 1 })
    const [row] = await h.sql`select * from equipment_full where id = ${id}`
    expect(row).toMatchObject({
      responsible_person: 'Ильин П. Р.',
      verification_state: 'state_repair',
      verification_date: '2025-10-08',
    })
    const [created] =
      await h.sql`select * from equipment_full where equipment_name = 'Новый прибор из Excel'`
    const source = before.find((r) => r.id === Number(ws.getRow(3).getCell(1).value))!
    for (const f of [
      'equipment_model',
      'factory_number',
      'verification_date',
      'department',
      'cost_rate',
      'verification_plan',
    ]) {
      expect(created[f], f).toEqual(source[f])
    }
    const audits = await h.sql`
      select action, changes from audit_log where action like 'equipment_import%' order by id`
    expect(audits.map((a) => a.action).sort()).toEqual([
      'equipment_import_create',
      'equipment_import_update',
    ])
    const update = audits.find((a) => a.action === 'equipment_import_update')!
    expect(update.changes.verification_state.new).toBe('state_repair')
  })

  it('a broken file changes nothing and reports every bad row with its column', async () => {
    const before = await snapshot()
    const [{ n: auditsBefore }] = await h.sql`select count(*)::int as n from audit_log`
    const wb = await exportBook()
    const ws = wb.worksheets[0]
    const hs = headers(ws)
    const col = (header: string) => hs.indexOf(header) + 1
    ws.getRow(2).getCell(col('Межповерочный интервал, мес.')).value = 'двенадцать'
    ws.getRow(3).getCell(col('Тип верификации')).value = 'Осмотр'
    ws.getRow(4).getCell(col('Подразделение')).value = 'Марс'
    ws.getRow(5).getCell(col('Наименование')).value = null
    ws.getRow(6).getCell(col('Дата последней верификации')).value = '31.02.2025'
    ws.getRow(7).getCell(1).value = 99999999
    ws.getRow(8).getCell(col('Кол-во')).value = 0
    ws.getRow(10).getCell(col('Дата последней верификации')).value = '01.01.2025' // a valid edit
    const res = await upload(wb)
    expect(res.status).toBe(400)
    expect(res.body.error).toMatch(/ничего не изменено/)
    expect(res.body.errors.map((e: any) => [e.row, e.column])).toEqual([
      [2, 'Межповерочный интервал, мес.'],
      [3, 'Тип верификации'],
      [4, 'Подразделение'],
      [5, 'Наименование'],
      [6, 'Дата последней верификации'],
      [7, 'ID'],
      [8, 'Кол-во'],
    ])
    for (const e of res.body.errors) expect(e.message).toMatch(/[а-яё]/i)
    expect(await snapshot()).toEqual(before)
    const [{ n: auditsAfter }] = await h.sql`select count(*)::int as n from audit_log`
    expect(auditsAfter).toBe(auditsBefore)
  })

  it('a verification date in the future is a row error, in the dry run and in the real run', async () => {
    const before = await snapshot()
    const wb = await exportBook()
    const ws = wb.worksheets[0]
    const hs = headers(ws)
    const col = (header: string) => hs.indexOf(header) + 1
    const ru = (iso: string) => iso.split('-').reverse().join('.')
    const ahead = inDays(150)
    ws.getRow(2).getCell(col('Дата последней верификации')).value = ru(ahead)
    const copy = ws.addRow((ws.getRow(3).values as unknown[]).slice(1))
    copy.getCell(1).value = null
    copy.getCell(col('Наименование')).value = 'Прибор из будущего'
    copy.getCell(col('Дата последней верификации')).value = ru(inDays(40))
    ws.getRow(4).getCell(col('Дата последней верификации')).value = ru(inDays(-1)) // allowed
    for (const query of ['?dry_run=1', '']) {
      const res = await upload(wb, query)
      expect(res.status, JSON.stringify(res.body)).toBe(400)
      expect(res.body.dry_run).toBe(query !== '')
      expect(res.body.errors.map((e: any) => [e.row, e.column])).toEqual([
        [2, 'Дата последней верификации'],
        [copy.number, 'Дата последней верификации'],
      ])
      expect(res.body.errors[0].message).toContain(`Дата верификации ${ru(ahead)} ещё не наступила`)
      expect(await snapshot()).toEqual(before)
    }
  })

  it('not an XLSX → 415; a sheet without the headers → 400; laborant → 403', async () => {
    const res = await h.call('POST', '/api/equipment/import', { token: admin, raw: 'id;name\n1;x' })
    expect(res.status).toBe(415)
    const wb = new ExcelJS.Workbook()
    wb.addWorksheet('x').addRow(['что-то', 'другое'])
    expect((await upload(wb)).status).toBe(400)
    const denied = await h.call('POST', '/api/equipment/import', { token: lab, raw: 'x' })
    expect(denied.status).toBe(403)
  })

  it('an unknown header is a dry-run error naming it and the known headers; nothing written', async () => {
    const before = await snapshot()
    const wb = await exportBook('?limit=3')
    const ws = wb.worksheets[0]
    const extra = ws.getRow(1).cellCount + 1
    ws.getRow(1).getCell(extra).value = 'Номер в Госреестре СИ'
    ws.getRow(2).getCell(extra).value = '12345-67'
    for (const query of ['?dry_run=1', '']) {
      const res = await upload(wb, query)
      expect(res.status, JSON.stringify(res.body)).toBe(400)
      expect(res.body.errors).toHaveLength(1)
      expect(res.body.errors[0]).toMatchObject({ row: 1, column: 'Номер в Госреестре СИ' })
      expect(res.body.errors[0].message).toContain('Неизвестный столбец «Номер в Госреестре СИ»')
      expect(res.body.errors[0].message).toContain('№ в Госреестре; Межповерочный интервал, мес.')
    }
    expect(await snapshot()).toEqual(before)
  })

  it('a 1.x export (its headers, codes, IDs unknown here) imports only with create_with_id, under its IDs', async () => {
    const [{ max }] = await h.sql`select max(id)::int as max from equipment`
    const ids = [max + 100, max + 101]
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet('Оборудование')
    // the 27 headers of the 1.x export, in its order
    ws.addRow([
      'ID',
      'Наименование',
      'Модель/Тип',
      'Тип оборудования',
      'Заводской номер',
      'Инвентарный номер',
      'Год выпуска',
      'Тип верификации',
      'Номер в реестре',
      'Межповерочный интервал',
      'Дата верификации',
      'Дата окончания',
      'Плановая дата',
      'Состояние',
      'Статус',
      'Подразделение',
      'Ответственный',
      'Организация-поверитель',
      'Статья бюджета',
      'Тариф',
      'Стоимость по тарифу',
      'Количество',
      'Коэффициент',
      'Итоговая стоимость',
      'Номер счета',
      'Факт оплаты',
      'Дата оплаты',
    ])
    const line = (id: number, name: string, n: string) => [
      id,
      name,
      'М-1',
      'SI',
      `З-${n}`,
      `И-${n}`,
      2019,
      'verification',
      '1234-05',
      12,
      new Date('2025-03-01'),
      new Date('2026-02-28'),
      new Date('2026-02-01'),
      'state_work',
      'status_fit',
      'gtl',
      'Петров П. П.',
      'ЦСМ',
      '1.2.3',
      'Т-7',
      1500,
      2,
      1.5,
      4500,
      'С-9',
      1000,
      new Date('2025-04-01'),
    ]
    ws.addRow(line(ids[0], 'Манометр 1.x', '901'))
    ws.addRow(line(ids[1], 'Термометр 1.x', '902'))

    const refused = await upload(wb, '?dry_run=1')
    expect(refused.status, JSON.stringify(refused.body)).toBe(400)
    expect(refused.body.errors.map((e: any) => [e.row, e.column])).toEqual([
      [2, 'ID'],
      [3, 'ID'],
    ])
    expect(refused.body.errors[0].message).toContain('Создать приборы с ID из файла')

    const dry = await upload(wb, '?dry_run=1&create_with_id=1')
    expect(dry.status, JSON.stringify(dry.body)).toBe(200)
    expect(dry.body).toMatchObject({ created: 2, updated: 0 })
    const done = await upload(wb, '?create_with_id=1')
    expect(done.status, JSON.stringify(done.body)).toBe(200)
    expect(done.body).toMatchObject({ created: 2, updated: 0 })
    const [row] = await h.sql`select * from equipment_full where id = ${ids[0]}`
    expect(row).toMatchObject({
      equipment_name: 'Манометр 1.x',
      equipment_model: 'М-1',
      factory_number: 'З-901',
      inventory_number: 'И-901',
      registry_number: '1234-05',
      verification_interval: 12,
      verification_date: '2025-03-01',
      verification_plan: '2026-02-01',
      verification_state: 'state_work',
      department: 'gtl',
      responsible_person: 'Петров П. П.',
      code_rate: 'Т-7',
      quantity: 2,
      invoice_number: 'С-9',
      payment_date: '2025-04-01',
    })
    expect(Number(row.coefficient)).toBe(1.5)
    // the sequence moved past the IDs taken
    const made = await h.call('POST', '/api/equipment', { token: admin, body: instrument() })
    expect(made.status).toBe(201)
    expect((await made.json()).id).toBeGreaterThan(ids[1])
    // the same file again: rows with those IDs now exist → updates, none new
    const again = await upload(wb, '?create_with_id=1')
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 2 })

    // an ID held by an archived instrument is not reused, even with the flag
    const archived = await h.call('POST', '/api/archive', {
      token: admin,
      body: { equipment_id: ids[1], reason: 'списан' },
    })
    expect(archived.status, await archived.clone().text()).toBeLessThan(300)
    const held = await upload(wb, '?dry_run=1&create_with_id=1')
    expect(held.status).toBe(400)
    expect(held.body.errors).toEqual([
      expect.objectContaining({ row: 3, column: 'ID', message: expect.stringMatching(/в архиве/) }),
    ])
  })

  it('duplicate numbers are warnings; a re-import of new rows creates nothing new', async () => {
    const wb = await exportBook('?limit=2')
    const ws = wb.worksheets[0]
    const hs = headers(ws)
    const col = (header: string) => hs.indexOf(header) + 1
    const registered = String(ws.getRow(2).getCell(col('Инвентарный №')).value)
    const fresh = ws.addRow((ws.getRow(3).values as unknown[]).slice(1))
    fresh.getCell(1).value = null
    fresh.getCell(col('Наименование')).value = 'Повторяемый прибор'
    fresh.getCell(col('Инвентарный №')).value = 'ИНВ-ДУБЛЬ-1'
    fresh.getCell(col('Заводской №')).value = 'ЗАВ-ДУБЛЬ-1'
    const twin = ws.addRow((ws.getRow(3).values as unknown[]).slice(1))
    twin.getCell(1).value = null
    twin.getCell(col('Инвентарный №')).value = 'ИНВ-ДУБЛЬ-1'
    twin.getCell(col('Наименование')).value = 'Другой прибор'
    twin.getCell(col('Заводской №')).value = 'ЗАВ-ДУБЛЬ-2'
    const clash = ws.addRow((ws.getRow(3).values as unknown[]).slice(1))
    clash.getCell(1).value = null
    clash.getCell(col('Наименование')).value = 'Третий прибор'
    clash.getCell(col('Инвентарный №')).value = registered
    clash.getCell(col('Заводской №')).value = 'ЗАВ-ДУБЛЬ-3'

    const first = await upload(wb)
    expect(first.status, JSON.stringify(first.body)).toBe(200)
    expect(first.body).toMatchObject({ created: 3, already_present: 0 })
    const about = (row: number) =>
      first.body.warnings.filter((w: any) => w.row === row).map((w: any) => w.message)
    expect(about(twin.number)).toEqual([
      `Инвентарный № ИНВ-ДУБЛЬ-1 уже встречается в строке ${fresh.number} этого файла`,
    ])
    expect(about(clash.number).join('\n')).toContain(
      `Инвентарный № ${registered} уже есть в реестре`,
    )
    expect(about(clash.number).join('\n')).toContain(
      `Инвентарный № ${registered} уже встречается в строке 2 этого файла`,
    )

    const count = async () =>
      (await h.sql`select count(*)::int as n from equipment_active`)[0].n as number
    const before = await count()
    const again = await upload(wb)
    expect(again.status, JSON.stringify(again.body)).toBe(200)
    expect(again.body).toMatchObject({ created: 0, updated: 0, already_present: 3 })
    expect(
      again.body.warnings.filter((w: any) => /уже есть в реестре \(ID \d+: то же/.test(w.message)),
    ).toHaveLength(3)
    expect(await count()).toBe(before)
  })

  it('a total in the file that differs from cost × quantity × coefficient is a warning, not a silent loss', async () => {
    const wb = await exportBook()
    const ws = wb.worksheets[0]
    const hs = headers(ws)
    const col = (header: string) => hs.indexOf(header) + 1
    // the export's own totals (every demo row: kopecks, coefficients) are the computed ones
    const same = await upload(wb, '?dry_run=1')
    expect(same.status, JSON.stringify(same.body)).toBe(200)
    expect(same.body.warnings.filter((w: any) => w.column === 'Итоговая стоимость')).toEqual([])
    // a hand-typed total (as Deltica 1.x exports have: VAT added by hand)
    const row = ws.getRow(2)
    row.getCell(col('Стоимость по тарифу без НДС')).value = 1000
    row.getCell(col('Кол-во')).value = 3
    row.getCell(col('Доп. коэффициент')).value = 1.5
    row.getCell(col('Итоговая стоимость')).value = 5400
    const typed = await upload(wb, '?dry_run=1')
    expect(typed.status, JSON.stringify(typed.body)).toBe(200)
    expect(typed.body.warnings.filter((w: any) => w.column === 'Итоговая стоимость')).toEqual([
      {
        row: 2,
        column: 'Итоговая стоимость',
        message: expect.stringMatching(
          /^Итоговая стоимость в файле 5\s400,00 ≠ стоимость × кол-во × коэффициент = 4\s500,00: столбец вычисляется, значение из файла не загружается$/,
        ),
      },
    ])
  })

  it('accepts the file as multipart/form-data too', async () => {
    const wb = await exportBook('?limit=1')
    const form = new FormData()
    form.set('file', new Blob([await wb.xlsx.writeBuffer()]), 'Реестр.xlsx')
    const res = await h.app.fetch(
      new Request('http://deltica.test/api/equipment/import?dry_run=1', {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}` },
        body: form,
      }),
    )
    expect(res.status).toBe(200)
    expect((await res.json()).dry_run).toBe(true)
  })
})

describe('export file name', () => {
  it('carries today in the branch’s time zone, not in UTC', () => {
    // 22:30 UTC on 1 March is 2 March in Moscow
    const now = new Date('2026-03-01T22:30:00Z')
    expect(exportFileName('Europe/Moscow', now)).toBe('Реестр_оборудования_02.03.2026.xlsx')
    expect(exportFileName('America/New_York', now)).toBe('Реестр_оборудования_01.03.2026.xlsx')
  })
})

describe('the headers shown to people', () => {
  it('the import dialog and USER_GUIDE.md list every column the import reads', async () => {
    const { readFileSync } = await import('node:fs')
    const { LAYOUT } = await import('../domain/equipment/xlsx/layout.ts')
    const dialog = readFileSync('desktop/src/components/ExcelMenu.svelte', 'utf8')
    const { FIELDS } = await import('../domain/shared/fields.ts')
    const guide = readFileSync('docs/USER_GUIDE.md', 'utf8').replace(/\s+/g, ' ')
    // the dialog lists the field table's editable columns and names its computed ones
    expect(dialog).toContain("['ID', ...FIELDS.filter((f) => f.editable).map((f) => f.label)]")
    expect(dialog).toContain('FIELDS.filter((f) => f.computed).map((f) => f.label)')
    // and the Deltica 1.x export's headers, each as it is
    expect(dialog).toContain('FIELDS.flatMap((f) => f.aliases)')
    expect(dialog).toContain("{ALIASES.join(' · ')}")
    const listed = new Set([
      'ID',
      ...FIELDS.filter((f) => f.editable || f.computed).map((f) => f.label),
    ])
    for (const c of LAYOUT) {
      expect(listed.has(c.header), c.header).toBe(true)
      expect(guide, c.header).toContain(c.header)
      for (const alias of c.aliases ?? []) expect(guide, alias).toContain(alias)
    }
  })
})
