// Moving a branch from Deltica 1.x, end to end: a synthetic 1.x database with the tricky cases,
// the dry run, the refused run, the real run checked field by field, a sign-in with a carried
// bcrypt password, a second run refused, the source unchanged; pg_dump files (custom and plain) as
// the source; the older file-type enum. Without TEST_DATABASE_URL both the target and the 1.x
// source are embedded engines; what needs a PostgreSQL server runs only with one (runIf).
import { execFile, execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, existsSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectReadOnly, type Sql } from '../../runtime/db.ts'
import { restoreDump } from '../../runtime/dump-restore.ts'
import { uploadsDir } from '../../runtime/files/store.ts'
import { harness, type Harness } from '../../test/app.ts'
import { serverUrl } from '../../test/db.ts'
import {
  BCRYPT_PASSWORD,
  oldDatabase,
  PDF,
  synthetic,
  type OldDb,
} from '../../test/deltica1/fixture.ts'
import { importDeltica1 } from './import.ts'

/** A checksum of every row of every table of the 1.x database. */
async function checksum(sql: Sql): Promise<Record<string, string>> {
  const tables = await sql<{ t: string }[]>`
    select table_name as t from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`
  const out: Record<string, string> = {}
  for (const { t } of tables) {
    const [{ sum }] = await sql.unsafe(
      `select count(*) || ':' || coalesce(md5(string_agg(x::text, '|' order by x::text)), '') as sum from ${t} x`,
    )
    out[t] = sum
  }
  return out
}

describe('import:deltica1 — the synthetic branch', () => {
  let h: Harness
  let old: OldDb
  let source: Sql
  let uploads: string
  let bytes: Record<string, Buffer>
  let before: Record<string, string>
  let adminHash: string

  const run = (o: { dryRun: boolean; createDepartments: boolean }) =>
    importDeltica1({
      source,
      sourceLabel: 'тестовая база 1.x',
      target: h.sql,
      dataDir: h.config.dataDir,
      timeZone: 'Europe/Moscow',
      uploads,
      ...o,
    })

  beforeAll(async () => {
    h = await harness()
    await h.makeUser({ username: 'admin', role: 'admin', full_name: 'Администратор филиала' })
    ;[{ password_hash: adminHash }] = await h.sql<{ password_hash: string }[]>`
      select password_hash from users where username = 'admin'`
    old = await oldDatabase(serverUrl, 'current')
    uploads = mkdtempSync(join(tmpdir(), 'deltica1-uploads-'))
    bytes = await synthetic(old.sql, uploads)
    before = await checksum(old.sql)
    source = connectReadOnly(old.url)
  })
  afterAll(async () => {
    await source?.end({ timeout: 5 })
    await old?.drop()
    await h?.close()
    rmSync(uploads, { recursive: true, force: true })
  })

  // server only: pglite-socket ignores start-up parameters (PGlite is one session for every
  // connection), so default_transaction_read_only never reaches an embedded engine. A 1.x source
  // is always a real PostgreSQL; on both engines the last test checks the source is unchanged.
  it.runIf(serverUrl)('opens the source read-only', async () => {
    await expect(source`insert into alembic_version values ('x')`).rejects.toThrow(/read-only/)
    await expect(source`delete from equipment`).rejects.toThrow(/read-only/)
  })

  it('dry run: a Russian report, saved in DATA_DIR, nothing written; a missing department blocks', async () => {
    const result = await run({ dryRun: true, createDepartments: false })
    expect(result.applied).toBe(false)
    expect(existsSync(result.reportFile)).toBe(true)
    expect(result.reportFile.startsWith(h.config.dataDir)).toBe(true)
    expect(readFileSync(result.reportFile, 'utf8')).toBe(result.text)
    expect(result.text).toContain('пробный запуск')
    expect(result.report.blocking).toEqual([
      expect.stringMatching(
        /^Подразделение «Цех №5» \(2 записей\) нет в справочнике.*--create-departments/,
      ),
    ])
    const [{ n }] = await h.sql<{ n: number }[]>`select count(*)::int as n from equipment`
    expect(n).toBe(0)
    // the real run without the flag is refused with the same report
    const refused = await run({ dryRun: false, createDepartments: false })
    expect(refused.applied).toBe(false)
    expect(refused.text).toContain('Перенос НЕ выполнен')
    const [{ m }] = await h.sql<{ m: number }[]>`select count(*)::int as m from users`
    expect(m).toBe(1)
  })

  it('real run: every category field by field', async () => {
    const result = await run({ dryRun: false, createDepartments: true })
    expect(result.applied).toBe(true)
    const r = result.report
    expect(r.blocking).toEqual([])
    expect(Object.fromEntries(r.categories.map((c) => [c.label, [c.found, c.imported]]))).toEqual({
      Оборудование: [6, 6],
      Архив: [3, 3],
      'Файлы оборудования': [5, 3],
      'Файлы архива': [1, 1],
      'Закреплённые документы': [2, 1],
      Договоры: [1, 1],
      Пользователи: [8, 7],
      'Подразделения (создаются)': [2, 2],
    })
    expect(Object.fromEntries(r.counters)).toEqual({
      planDays: 2,
      archivedByState: 1,
      legacyTotals: 5,
      emptyReasons: 2,
      archiveNewIds: 2,
      bcryptUsers: 5,
      windowsOnlyUsers: 2,
      filesCopied: 5,
    })
    // the stored «Годен» of an instrument expired in 2025 is recomputed
    expect(r.statusChanges.get('«Годен» → «Просрочен»')).toBe(1)
    expect(r.problems).toHaveLength(6)
    expect(r.problems).toEqual(
      expect.arrayContaining([
        'Пользователь admin (ID 1): учётная запись с этим именем уже есть здесь — не изменена',
        expect.stringMatching(
          /^Файл Программа\.exe \(ID 4, equipment_files\): тип «\.exe» не принимается/,
        ),
        expect.stringMatching(
          /^Файл Нет файла\.pdf \(ID 5, equipment_files\): файла equipment_2\/missing\.pdf нет/,
        ),
        'Файл equipment_8/orphan.pdf: нет записи в базе Deltica 1.x — не перенесён',
        'Оборудование ID 10: в таблице finance 2 строк(и) — перенесена первая',
        expect.stringMatching(
          /^Закреплённый документ Записка\.docx \(ID 2\): тип «\.docx» не принимается/,
        ),
      ]),
    )
    expect(r.flags).toContain(
      'Архив ID 2: заводской или инвентарный номер совпадает с действующим оборудованием ID 2',
    )
    expect(r.flags).toContain('Инвентарный номер «inv-1» повторяется: ID 1, 8')
    expect(r.changes).toContain(
      'Пользователь IVANOV (ID 8): имя совпадает с другим пользователем 1.x без учёта регистра — перенесён как ivanov2',
    )
    expect(r.changes).toContain(
      'Пользователь Сидоров (ID 4): имя не подходит (латиница, цифры, «.», «_», «-», 2–64 символа) — перенесён как sidorov',
    )

    // instruments: ids kept, text trimmed, plan → month, archived state → archive
    const eq = await h.sql`
      select id, equipment_name, equipment_model, equipment_type, equipment_specs, factory_number,
             inventory_number, equipment_year, verification_type, verification_date,
             verification_due, verification_plan, verification_state, status, department,
             responsible_person, budget_item, cost_rate, quantity, coefficient, total_cost, legacy_total_cost,
             invoice_number, paid_amount, payment_date, archived_at, archive_reason
      from equipment_full order by id`
    expect(eq.map((e) => e.id)).toEqual([1, 2, 3, 5, 7, 8, 10, 11, 12])
    const byId = new Map(eq.map((e) => [e.id, e]))
    expect(byId.get(1)).toMatchObject({
      equipment_name: 'Манометр',
      equipment_model: 'МП-100',
      equipment_specs: '0–10 МПа',
      equipment_type: 'SI',
      verification_date: '2024-01-10',
      verification_due: '2025-01-09',
      verification_plan: '2024-12-01',
      status: 'status_expired',
      department: 'gtl',
      cost_rate: 1000,
      quantity: 3,
      coefficient: 1.5,
      total_cost: 4500,
      legacy_total_cost: 5400,
      invoice_number: 'С-17',
      paid_amount: 5400,
      payment_date: '2026-02-01',
      archived_at: null,
    })
    expect(byId.get(2)).toMatchObject({
      department: 'oii',
      total_cost: 501,
      legacy_total_cost: null,
      status: 'status_storage',
      equipment_type: 'IO',
    })
    expect(byId.get(5)).toMatchObject({
      verification_state: 'state_storage',
      archive_reason: 'Состояние «В архиве» в Deltica 1.x',
      department: 'gtl',
    })
    expect(byId.get(5)!.archived_at).toBeInstanceOf(Date)
    const created = await h.sql<{ code: string; label: string }[]>`
      select code, label from departments where label in ('Цех №5', 'Администрация') order by label`
    expect(created).toEqual([
      { code: 'administratsiya', label: 'Администрация' },
      { code: 'tseh_5', label: 'Цех №5' },
    ])
    expect(byId.get(7)).toMatchObject({
      department: 'tseh_5',
      verification_plan: '2026-11-01',
      cost_rate: null,
      total_cost: null,
      legacy_total_cost: 1200,
      verification_type: 'calibration',
    })
    expect(byId.get(8)).toMatchObject({
      department: 'ltr',
      coefficient: 1,
      total_cost: 1000,
      legacy_total_cost: null,
      inventory_number: 'INV-1',
      status: 'status_repair',
    })
    expect(byId.get(10)).toMatchObject({
      equipment_specs: null,
      department: 'es',
      budget_item: 'Поверка',
    })
    // the archive: original ids where free, new ids for a duplicate and a taken one
    const ivanovId = (await h.sql`select id from users where username = 'ivanov'`)[0].id
    const bossId = (await h.sql`select id from users where username = 'boss'`)[0].id
    const arch = await h.sql`
      select e.id, e.equipment_name, e.archived_at, e.archive_reason, e.archived_by, f.legacy_total_cost
      from equipment e join finance f on f.equipment_id = e.id
      where e.archived_at is not null and e.id <> 5 order by e.id`
    expect(arch).toEqual([
      {
        id: 3,
        equipment_name: 'Старый вольтметр',
        archived_at: new Date('2025-03-01T09:00:00Z'),
        archive_reason: 'не указана',
        archived_by: ivanovId,
        legacy_total_cost: 120,
      },
      {
        id: 11,
        equipment_name: 'Дубль',
        archived_at: new Date('2025-04-01T09:00:00Z'),
        archive_reason: 'Списан',
        archived_by: bossId,
        legacy_total_cost: 120,
      },
      {
        id: 12,
        equipment_name: 'Прибор 2 (старый)',
        archived_at: new Date('2025-05-01T09:00:00Z'),
        archive_reason: 'не указана',
        archived_by: null,
        legacy_total_cost: 120,
      },
    ])
    // the sequence moved past the highest id
    const [{ next }] =
      await h.sql`select nextval(pg_get_serial_sequence('equipment', 'id'))::int as next`
    expect(next).toBe(13)
    // the id map
    const map = await h.sql`select entity, legacy_id, new_id, note from deltica1_id_map
                            where entity = 'archived_equipment' order by legacy_id`
    expect(map.map((m) => [m.legacy_id, m.new_id, m.note])).toEqual([
      [1, 3, 'original_id 3'],
      [2, 11, 'original_id 3'],
      [3, 12, 'original_id 2'],
    ])

    // files: byte-equal, sha256, categories, order, the card's file, upload dates
    const files = await h.sql`
      select equipment_id, category, original_name, storage_name, size, sha256, mime, pinned,
             position, uploaded_at from equipment_file order by equipment_id, position`
    expect(
      files.map((f) => [f.equipment_id, f.original_name, f.category, f.pinned, f.position]),
    ).toEqual([
      [1, 'Фото.png', 'general_docs', false, 1],
      [1, 'Скан.pdf', 'verification_docs', false, 2],
      [1, 'Свидетельство.pdf', 'verification_docs', true, 3],
      [3, 'Старое свидетельство.pdf', 'verification_docs', false, 1],
    ])
    const source1x = [
      'equipment_1/photo.png',
      'equipment_1/scan.pdf',
      'equipment_1/cert.pdf',
      'equipment_3/old.pdf',
    ]
    for (const [n, f] of files.entries()) {
      const stored = readFileSync(
        join(uploadsDir(h.config.dataDir), 'equipment', String(f.equipment_id), f.storage_name),
      )
      expect(stored.equals(bytes[source1x[n]])).toBe(true)
      expect(f.size).toBe(stored.length)
      expect(f.sha256).toBe(sha256(stored))
    }
    expect(files[0].uploaded_at).toEqual(new Date('2025-05-06T08:00:00Z'))
    expect(files[0].mime).toBe('image/png')
    const leftovers = readdirSync(join(uploadsDir(h.config.dataDir), 'equipment', '1')).filter(
      (n) => n.endsWith('.part'),
    )
    expect(leftovers).toEqual([])
    const [pin] =
      await h.sql`select original_name, storage_name, uploaded_at, uploaded_by from pinned_document`
    expect(pin).toMatchObject({
      original_name: 'Регламент.pdf',
      uploaded_at: new Date('2024-09-01T12:00:00Z'),
      uploaded_by: bossId,
    })
    expect(
      readFileSync(join(uploadsDir(h.config.dataDir), 'pinned', pin.storage_name)).equals(
        bytes['pinned_documents/reglament.pdf'],
      ),
    ).toBe(true)

    const [contract] =
      await h.sql`select executor_name, contract_number, valid_until, contract_amount, spent_amount, balance, created_at, updated_at from contracts`
    expect(contract).toEqual({
      executor_name: 'ФБУ ЦСМ',
      contract_number: '№ 42/2026',
      valid_until: '2026-12-31',
      contract_amount: 150000.5,
      spent_amount: 20000,
      balance: 130000.5,
      created_at: new Date('2026-01-10T10:00:00Z'),
      updated_at: new Date('2026-02-10T10:00:00Z'),
    })

    // users: the target's admin untouched; roles, flags, Windows names, bcrypt hashes carried
    const users = await h.sql`
      select username, full_name, department, role, active, windows_username,
             left(password_hash, 4) as scheme, created_at from users order by id`
    expect(
      users.map((u) => [
        u.username,
        u.full_name,
        u.department,
        u.role,
        u.active,
        u.windows_username,
        u.scheme,
      ]),
    ).toEqual([
      ['admin', 'Администратор филиала', null, 'admin', true, null, 'scry'],
      ['ivanov', 'Иванов Иван Иванович', 'gtl', 'laborant', true, null, '$2b$'],
      ['petrov', 'Петров П. П.', 'oii', 'laborant', true, 'BRANCH\\petrov', null],
      ['sidorov', 'Сидоров С. С.', 'ltr', 'laborant', true, null, '$2b$'],
      ['boss', 'Начальник Н. Н.', 'administratsiya', 'admin', true, 'boss', '$2b$'],
      ['gone', 'Уволен У. У.', 'es', 'laborant', false, null, '$2b$'],
      ['newdep', 'Новиков Н. Н.', 'tseh_5', 'laborant', true, 'BRANCH\\newdep', null],
      ['ivanov2', 'Иванов Второй', 'gtl', 'laborant', true, null, '$2b$'],
    ])
    expect(users[1].created_at).toEqual(new Date('2023-02-03T10:00:00Z'))
    const [{ password_hash }] =
      await h.sql`select password_hash from users where username = 'admin'`
    expect(password_hash).toBe(adminHash)
  })

  it('the 1.x total shows in the card (admins only) and in the export', async () => {
    const admin = await h.login('admin')
    const card = await (await h.call('GET', '/api/equipment/1', { token: admin })).json()
    expect(card).toMatchObject({ total_cost: 4500, legacy_total_cost: 5400 })
    const lab = await h.login('ivanov', BCRYPT_PASSWORD)
    const labCard = await (await h.call('GET', '/api/equipment/1', { token: lab })).json()
    expect(labCard).not.toHaveProperty('legacy_total_cost')
    const res = await h.call('GET', '/api/equipment/export.xlsx', { token: admin })
    expect(res.status).toBe(200)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load((await res.arrayBuffer()) as any)
    const ws = wb.worksheets[0]
    const headers = (ws.getRow(1).values as unknown[]).map(String)
    const column = headers.indexOf('Итоговая стоимость в Deltica 1.x')
    expect(column).toBeGreaterThan(0)
    const row = [...Array(ws.rowCount).keys()]
      .map((i) => ws.getRow(i + 1))
      .find((r) => r.getCell(1).value === 1)!
    expect(row.getCell(column).value).toBe(5400)
    expect(row.getCell(headers.indexOf('Итоговая стоимость')).value).toBe(4500)
  })

  it('a migrated bcrypt user signs in and the hash is replaced; a Windows-only one gets 401', async () => {
    const res = await h.call('POST', '/api/auth/login', {
      body: { username: 'ivanov', password: BCRYPT_PASSWORD },
    })
    expect(res.status).toBe(200)
    const [{ password_hash }] =
      await h.sql`select password_hash from users where username = 'ivanov'`
    expect(password_hash).toMatch(/^scrypt\$/)
    expect(await h.login('ivanov', BCRYPT_PASSWORD)).toBeTruthy()
    const wrong = await h.call('POST', '/api/auth/login', {
      body: { username: 'sidorov', password: 'не тот' },
    })
    expect(wrong.status).toBe(401)
    const [{ sid }] =
      await h.sql`select left(password_hash, 4) as sid from users where username = 'sidorov'`
    expect(sid).toBe('$2b$')
    // no local password: the same 401 as a wrong password, counted by the limiter
    const ip = '203.0.113.9'
    for (let i = 0; i < 4; i++) {
      const r = await h.call('POST', '/api/auth/login', {
        body: { username: 'petrov', password: '' + i + 'x' },
        ip,
      })
      expect(r.status).toBe(401)
      expect(await r.json()).toMatchObject({ error: 'Неверный логин или пароль' })
    }
    const last = await h.call('POST', '/api/auth/login', {
      body: { username: 'petrov', password: 'x' },
      ip,
    })
    expect(last.status).toBe(423)
  })

  it('a second run is refused and changes nothing; the source is unchanged', async () => {
    const countAll = async () =>
      (
        await h.sql`select (select count(*) from equipment)::int as e, (select count(*) from users)::int as u,
                          (select count(*) from equipment_file)::int as f, (select count(*) from contracts)::int as c`
      )[0]
    const was = await countAll()
    const again = await run({ dryRun: false, createDepartments: true })
    expect(again.applied).toBe(false)
    expect(again.report.blocking[0]).toMatch(/^В этой базе уже есть оборудование \(9\)/)
    expect(await countAll()).toEqual(was)
    expect(await checksum(old.sql)).toEqual(before)
  })
})

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

describe('import:deltica1 — pg_dump files and the older file-type enum', () => {
  let h: Harness
  let old: OldDb
  let uploads: string
  let dir: string

  beforeAll(async () => {
    h = await harness()
    old = await oldDatabase(serverUrl, 'older')
    uploads = mkdtempSync(join(tmpdir(), 'deltica1-uploads-'))
    dir = mkdtempSync(join(tmpdir(), 'deltica1-dump-'))
    const sql = old.sql
    await sql`insert into equipment values (4, 'Весы', 'ВЛ', 'SI', null, 'F', 'I', 2010)`
    await sql`insert into verification (equipment_id, verification_type, verification_interval, verification_date, verification_plan, verification_state, status)
              values (4, 'verification', 12, '2026-06-01', '2027-05-01', 'state_work', 'status_fit')`
    await sql`insert into responsibility (equipment_id, department, responsible_person, verifier_org) values (4, 'gtl', 'А', 'Б')`
    await sql`insert into finance (equipment_model_id, budget_item, quantity) values (4, 'Поверка', 1)`
    const types = ['certificate', 'passport', 'technical_doc', 'other']
    for (const [n, t] of types.entries()) {
      const { writeFileSync, mkdirSync } = await import('node:fs')
      mkdirSync(join(uploads, 'equipment_4'), { recursive: true })
      writeFileSync(join(uploads, 'equipment_4', `${t}.pdf`), PDF(t))
      await sql`insert into equipment_files (equipment_id, file_name, file_path, file_type, file_size, sort_order)
                values (4, ${t + '.pdf'}, ${'equipment_4/' + t + '.pdf'}, ${t}, 10, ${n})`
    }
  })
  afterAll(async () => {
    await old?.drop()
    await h?.close()
    rmSync(uploads, { recursive: true, force: true })
    rmSync(dir, { recursive: true, force: true })
  })

  // pg_dump/pg_restore/psql need a PostgreSQL server to dump from and restore into (the CLI's
  // refusal of a dump file on the embedded engine is tested below on both engines)
  for (const format of ['custom', 'plain'] as const) {
    it.runIf(serverUrl)(
      `restores a ${format} dump into a temporary database and reads it`,
      async () => {
        const file = join(dir, `1x.${format}`)
        execFileSync('pg_dump', [
          format === 'custom' ? '-Fc' : '-Fp',
          '--no-owner',
          '-f',
          file,
          old.url,
        ])
        const restored = await restoreDump(serverUrl!, file)
        const source = connectReadOnly(restored.url)
        try {
          const result = await importDeltica1({
            source,
            sourceLabel: file,
            target: h.sql,
            dataDir: h.config.dataDir,
            timeZone: 'Europe/Moscow',
            uploads,
            dryRun: true,
            createDepartments: false,
          })
          expect(result.report.categories.slice(0, 3).map((c) => [c.found, c.imported])).toEqual([
            [1, 1],
            [0, 0],
            [4, 4],
          ])
        } finally {
          await source.end({ timeout: 5 })
          await restored.drop()
        }
        // this test's own temporary database (another suite may be restoring its own in parallel)
        const name = new URL(restored.url).pathname.slice(1)
        expect(name).toMatch(/^deltica1_source_/)
        const [{ left }] =
          await h.sql`select count(*)::int as left from pg_database where datname = ${name}`
        expect(left).toBe(0)
      },
    )
  }

  it.runIf(serverUrl)('a file that is not a dump is refused with a Russian message', async () => {
    const { writeFileSync } = await import('node:fs')
    const file = join(dir, 'broken.sql')
    writeFileSync(file, 'this is not sql;')
    await expect(restoreDump(serverUrl!, file)).rejects.toThrow(/^Дамп не восстановлен \(psql\)/)
  })

  it.runIf(serverUrl)(
    'a custom dump of a newer archive version (PostgreSQL 17) names the pg_restore it needs',
    async () => {
      const { writeFileSync } = await import('node:fs')
      const file = join(dir, 'newer.custom')
      execFileSync('pg_dump', ['-Fc', '--no-owner', '-f', file, old.url])
      // the header's archive version as PostgreSQL 17's pg_dump writes it (1.16): "PGDMP" vmaj vmin
      const bytes = readFileSync(file)
      bytes[6] = 16
      writeFileSync(file, bytes)
      const [major] = execFileSync('pg_restore', ['--version'], { encoding: 'utf8' })
        .match(/\d+/)!
        .map(Number)
      if (major >= 17) return // this pg_restore reads it: nothing to refuse here
      const error = await restoreDump(serverUrl!, file).then(
        () => null,
        (e: Error) => e,
      )
      expect(error?.message).toMatch(
        /^Дамп не восстановлен \(pg_restore\)\. Дамп сделан более новой/,
      )
      expect(error?.message).toContain('восстанавливает только pg_restore 17 или новее')
      expect(error?.message).toContain(`(здесь: pg_restore (PostgreSQL) ${major}.`)
      expect(error?.message).toContain('укажите вместо файла адрес базы Deltica 1.x')
    },
  )

  it('the CLI: a dry run by URL prints the report; a dump file on the embedded engine is refused', async () => {
    // not execFileSync: on the embedded engine this process serves the databases the CLI reads
    const cli = async (args: string[], env: Record<string, string>) => {
      try {
        const { stdout } = await promisify(execFile)(
          process.execPath,
          ['--import', 'tsx', 'runtime/cli/import-deltica1.ts', ...args],
          {
            cwd: join(import.meta.dirname, '../..'),
            env: { PATH: process.env.PATH!, DATA_DIR: h.config.dataDir, ...env },
            encoding: 'utf8',
          },
        )
        return { code: 0, out: stdout, err: '' }
      } catch (e) {
        const x = e as { code: number; stdout: string; stderr: string }
        return { code: x.code, out: x.stdout, err: x.stderr }
      }
    }
    const dry = await cli(['--from', old.url, '--uploads', uploads, '--dry-run'], {
      DATABASE_URL: h.db.url,
    })
    expect(dry.code).toBe(0)
    expect(dry.out).toContain('Перенос из Deltica 1.x — пробный запуск (ничего не записано)')
    expect(dry.out).toMatch(/Оборудование: 1 → 1 \/ 0/)
    expect(dry.out).toMatch(/Отчёт полностью: .*deltica1-dry-run-.*\.txt/)
    const embedded = mkdtempSync(join(tmpdir(), 'deltica1-embedded-'))
    try {
      // refused before the file is read: it need not exist (the dump tests make it with a server)
      const refused = await cli(['--from', join(dir, '1x.custom'), '--dry-run'], {
        DATA_DIR: embedded,
      })
      expect(refused.code).toBe(1)
      expect(refused.err).toContain('Файл pg_dump принимается только при настоящем PostgreSQL')
    } finally {
      rmSync(embedded, { recursive: true, force: true })
    }
    expect((await cli(['--dry-run'], {})).code).toBe(64)
  }, 120_000) // three CLI processes, each starting tsx: slow on a loaded 2-core machine

  it('maps both categories of the older enum', async () => {
    const source = connectReadOnly(old.url)
    try {
      const result = await importDeltica1({
        source,
        sourceLabel: 'older',
        target: h.sql,
        dataDir: h.config.dataDir,
        timeZone: 'Europe/Moscow',
        uploads,
        dryRun: false,
        createDepartments: false,
      })
      expect(result.applied).toBe(true)
    } finally {
      await source.end({ timeout: 5 })
    }
    const files =
      await h.sql`select original_name, category, position from equipment_file order by position`
    expect(files.map((f) => [f.original_name, f.category, f.position])).toEqual([
      ['certificate.pdf', 'verification_docs', 1],
      ['passport.pdf', 'general_docs', 2],
      ['technical_doc.pdf', 'general_docs', 3],
      ['other.pdf', 'general_docs', 4],
    ])
  })
})

describe('import:deltica1 — a failed commit leaves nothing behind', () => {
  it('removes the copied files and writes no row', async () => {
    const h = await harness()
    const old = await oldDatabase(serverUrl, 'current')
    const uploads = mkdtempSync(join(tmpdir(), 'deltica1-uploads-'))
    const source = connectReadOnly(old.url)
    try {
      await synthetic(old.sql, uploads)
      // a check that fails only at commit, after the files were moved under their names
      await h.sql.unsafe(`
        create function refuse_commit() returns trigger language plpgsql as $$
        begin raise exception 'commit refused by the test'; end $$;
        create constraint trigger refuse_commit after insert on deltica1_import
          deferrable initially deferred for each row execute function refuse_commit();`)
      await expect(
        importDeltica1({
          source,
          sourceLabel: 'failing',
          target: h.sql,
          dataDir: h.config.dataDir,
          timeZone: 'Europe/Moscow',
          uploads,
          dryRun: false,
          createDepartments: true,
        }),
      ).rejects.toThrow(/commit refused by the test/)
      const [{ n }] = await h.sql`select count(*)::int as n from equipment`
      expect(n).toBe(0)
      const left: string[] = []
      const walk = (d: string) => {
        if (!existsSync(d)) return
        for (const e of readdirSync(d, { withFileTypes: true })) {
          if (e.isDirectory()) walk(join(d, e.name))
          else left.push(e.name)
        }
      }
      walk(uploadsDir(h.config.dataDir))
      expect(left).toEqual([])
    } finally {
      await source.end({ timeout: 5 })
      await old.drop()
      await h.close()
      rmSync(uploads, { recursive: true, force: true })
    }
  })
})
