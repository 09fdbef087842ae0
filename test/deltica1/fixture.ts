// A Deltica 1.x database — on the PostgreSQL server when one is given, else on a second embedded
// engine in memory — built from test/deltica1/schema.sql with synthetic data: the tricky cases a
// branch brings (see synthetic()) or N plain instruments for the benchmark (bulk()). Its uploads
// folder is a temporary directory of real files.
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import bcrypt from 'bcryptjs'
import { connectUrl, openEmbedded, type Sql } from '../../runtime/db.ts'

export const FILE_TYPES = {
  /** what the 1.x code writes */
  current: ['verification_docs', 'general_docs', 'active_certificate'],
  /** what older 1.x databases have */
  older: ['certificate', 'passport', 'technical_doc', 'other'],
} as const

export interface OldDb {
  url: string
  sql: Sql
  drop(): Promise<void>
}

/** An empty 1.x database (schema only) with the file-type enum in `variant`. */
export async function oldDatabase(
  serverUrl: string | null,
  variant: keyof typeof FILE_TYPES,
): Promise<OldDb> {
  const db = serverUrl ? await serverDatabase(serverUrl) : await embeddedDatabase()
  const types = FILE_TYPES[variant].map((t) => `'${t}'`).join(', ')
  await db.sql.unsafe(`create type file_type_enum as enum (${types})`)
  await db.sql.unsafe(readFileSync(join(import.meta.dirname, 'schema.sql'), 'utf8'))
  return db
}

/** A new database on the server, dropped with its connections. */
async function serverDatabase(serverUrl: string): Promise<OldDb> {
  const name = `deltica1_fixture_${process.pid}_${randomBytes(4).toString('hex')}`
  const admin = connectUrl(serverUrl, 1)
  await admin.unsafe(`create database ${name}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const sql = connectUrl(url.toString(), 4)
  return {
    url: url.toString(),
    sql,
    async drop() {
      await sql.end({ timeout: 5 })
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end({ timeout: 5 })
    },
  }
}

/**
 * No server (`npm test` on a fresh clone): an engine of its own, apart from the target's, served
 * on a loopback URL that connectReadOnly reaches like a real 1.x server.
 */
async function embeddedDatabase(): Promise<OldDb> {
  const db = await openEmbedded(null, 4)
  return { url: db.url, sql: db.sql, drop: () => db.close() }
}

export const PDF = (text: string) =>
  Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n`)
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  randomBytes(64),
])

function put(uploads: string, rel: string, bytes: Buffer) {
  const path = join(uploads, rel)
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, bytes)
  return bytes
}

export const BCRYPT_PASSWORD = 'Старый-пароль-1x'

type Row = Record<string, unknown>
async function insert(sql: Sql, table: string, rows: Row[]) {
  for (const row of rows) await sql`insert into ${sql(table)} ${sql(row as any)}`
}

const verification = (id: number, extra: Row = {}) => ({
  equipment_id: id,
  verification_type: 'verification',
  registry_number: `12345-${id}`,
  verification_interval: 12,
  verification_date: '2026-01-15',
  verification_plan: '2026-12-01',
  verification_state: 'state_work',
  status: 'status_fit',
  ...extra,
})
const responsibility = (id: number, department: string) => ({
  equipment_id: id,
  department,
  responsible_person: 'Ответственный Т. Т.',
  verifier_org: 'ЦСМ',
})
const finance = (id: number, extra: Row = {}) => ({
  equipment_model_id: id,
  budget_item: 'Поверка',
  code_rate: 'Т-1',
  cost_rate: 1000,
  quantity: 1,
  coefficient: 1,
  total_cost: 1000,
  invoice_number: null,
  paid_amount: null,
  payment_date: null,
  ...extra,
})
const equipment = (id: number, extra: Row = {}) => ({
  id,
  equipment_name: `Прибор ${id}`,
  equipment_model: `М-${id}`,
  equipment_type: 'SI',
  equipment_specs: '-',
  factory_number: `F-${id}`,
  inventory_number: `INV-${id}`,
  equipment_year: 2015,
  ...extra,
})

/**
 * The synthetic branch (file types of the `current` variant). Returns the bytes of the files
 * that must come over, by 1.x path.
 */
export async function synthetic(sql: Sql, uploads: string) {
  const hash = bcrypt.hashSync(BCRYPT_PASSWORD, 4)
  await insert(sql, 'users', [
    // the 1.x admin has the same name as the target's own admin: must not overwrite it
    {
      username: 'admin',
      password_hash: hash,
      full_name: 'Админ 1.x',
      department: 'Администрация',
      role: 'admin',
    },
    {
      username: 'ivanov',
      password_hash: hash,
      full_name: ' Иванов Иван Иванович ',
      department: 'gtl',
      role: 'laborant',
      created_at: '2023-02-03T10:00:00Z',
    },
    {
      username: 'petrov',
      password_hash: null,
      windows_username: 'BRANCH\\petrov',
      full_name: 'Петров П. П.',
      department: 'ОИИ',
      role: 'laborant',
    },
    {
      username: 'Сидоров',
      password_hash: hash,
      full_name: 'Сидоров С. С.',
      department: 'ЛТР',
      role: 'laborant',
    },
    {
      username: 'boss',
      password_hash: hash,
      windows_username: 'boss',
      full_name: 'Начальник Н. Н.',
      department: 'Администрация',
      role: 'admin',
    },
    {
      username: 'gone',
      password_hash: hash,
      full_name: 'Уволен У. У.',
      department: 'es',
      role: 'laborant',
      is_active: false,
    },
    {
      username: 'newdep',
      password_hash: null,
      windows_username: 'BRANCH\\newdep',
      full_name: 'Новиков Н. Н.',
      department: 'Цех №5',
      role: 'laborant',
    },
    // the same name in other case (1.x compares names case-sensitively)
    {
      username: 'IVANOV',
      password_hash: hash,
      full_name: 'Иванов Второй',
      department: 'gtl',
      role: 'laborant',
    },
  ])

  await insert(sql, 'equipment', [
    equipment(1, {
      equipment_name: '  Манометр  ',
      equipment_model: 'МП-100 ',
      equipment_specs: '0–10 МПа',
    }),
    equipment(2, { equipment_type: 'IO' }),
    equipment(5),
    equipment(7),
    equipment(8, { inventory_number: 'INV-1' }),
    equipment(10, { equipment_specs: null }),
  ])
  await sql`select setval('equipment_id_seq', 10)`
  await insert(sql, 'verification', [
    // stored «Годен» but expired long ago (1.x only recomputed on writes); plan with a day
    verification(1, {
      verification_date: '2024-01-10',
      verification_plan: '2024-12-15',
      status: 'status_fit',
    }),
    verification(2, { verification_state: 'state_storage', status: 'status_storage' }),
    verification(5, { verification_state: 'state_archived', status: 'status_storage' }),
    verification(7, { verification_type: 'calibration', verification_plan: '2026-11-30' }),
    verification(8, { verification_state: 'state_repair', status: 'status_repair' }),
    verification(10),
  ])
  await insert(sql, 'responsibility', [
    responsibility(1, 'gtl'),
    responsibility(2, ' ОИИ '),
    responsibility(5, 'GTL'),
    responsibility(7, 'Цех №5'),
    responsibility(8, 'ЛТР'),
    responsibility(10, 'es'),
  ])
  await insert(sql, 'finance', [
    // VAT added by hand: 3 × 1000 × 1.5 = 4500, typed 5400
    finance(1, {
      cost_rate: 1000,
      quantity: 3,
      coefficient: 1.5,
      total_cost: 5400,
      invoice_number: ' С-17 ',
      paid_amount: 5400,
      payment_date: '2026-02-01',
    }),
    finance(2, { cost_rate: 250.5, quantity: 2, coefficient: 1, total_cost: 501 }),
    finance(5, { total_cost: null }),
    finance(7, { cost_rate: null, total_cost: 1200 }),
    finance(8, { coefficient: null, total_cost: 1000 }),
    finance(10),
    // a second finance row for one instrument: the first is taken, the second reported
    finance(10, { budget_item: 'Лишняя строка' }),
  ])

  const bytes: Record<string, Buffer> = {}
  bytes['equipment_1/cert.pdf'] = put(uploads, 'equipment_1/cert.pdf', PDF('cert 1'))
  bytes['equipment_1/photo.png'] = put(uploads, 'equipment_1/photo.png', PNG)
  bytes['equipment_1/scan.pdf'] = put(uploads, 'equipment_1/scan.pdf', PDF('scan 1'))
  put(uploads, 'equipment_2/tool.exe', Buffer.from('MZ not a document'))
  put(uploads, 'equipment_8/orphan.pdf', PDF('no row'))
  bytes['equipment_3/old.pdf'] = put(uploads, 'equipment_3/old.pdf', PDF('archived'))
  bytes['pinned_documents/reglament.pdf'] = put(
    uploads,
    'pinned_documents/reglament.pdf',
    PDF('reglament'),
  )
  put(uploads, 'pinned_documents/memo.docx', Buffer.from('PK\x03\x04 not really'))
  await insert(sql, 'equipment_files', [
    {
      id: 1,
      equipment_id: 1,
      file_name: 'Свидетельство.pdf',
      file_path: 'equipment_1/cert.pdf',
      file_type: 'active_certificate',
      file_size: bytes['equipment_1/cert.pdf'].length,
      uploaded_at: '2025-05-05T08:00:00Z',
      is_active_certificate: true,
      sort_order: 2,
    },
    {
      id: 2,
      equipment_id: 1,
      file_name: 'Фото.png',
      file_path: 'equipment_1/photo.png',
      file_type: 'general_docs',
      file_size: PNG.length,
      uploaded_at: '2025-05-06T08:00:00Z',
      sort_order: 0,
    },
    {
      id: 3,
      equipment_id: 1,
      file_name: 'Скан.pdf',
      file_path: 'equipment_1/scan.pdf',
      file_type: 'verification_docs',
      file_size: 1,
      uploaded_at: '2025-05-07T08:00:00Z',
      sort_order: 1,
    },
    {
      id: 4,
      equipment_id: 2,
      file_name: 'Программа.exe',
      file_path: 'equipment_2/tool.exe',
      file_type: 'general_docs',
      file_size: 17,
      sort_order: 0,
    },
    {
      id: 5,
      equipment_id: 2,
      file_name: 'Нет файла.pdf',
      file_path: 'equipment_2/missing.pdf',
      file_type: 'verification_docs',
      file_size: 100,
      sort_order: 1,
    },
  ])

  await insert(sql, 'archived_equipment', [
    {
      id: 1,
      original_id: 3,
      equipment_name: 'Старый вольтметр ',
      equipment_model: 'В7',
      equipment_type: 'SI',
      equipment_specs: '-',
      factory_number: 'A-3',
      inventory_number: 'INV-A3',
      equipment_year: 1999,
      archived_at: '2025-03-01T09:00:00Z',
      archive_reason: '',
      archived_by: 'ivanov',
    },
    {
      id: 2,
      original_id: 3,
      equipment_name: 'Дубль',
      equipment_model: 'Д',
      equipment_type: 'IO',
      equipment_specs: null,
      factory_number: 'A-33',
      inventory_number: 'INV-A33',
      equipment_year: 2001,
      archived_at: '2025-04-01T09:00:00Z',
      archive_reason: 'Списан',
      archived_by: 'Начальник Н. Н.',
    },
    {
      id: 3,
      original_id: 2,
      equipment_name: 'Прибор 2 (старый)',
      equipment_model: 'М-2',
      equipment_type: 'IO',
      equipment_specs: null,
      factory_number: 'F-2',
      inventory_number: 'INV-OLD-2',
      equipment_year: 2000,
      archived_at: '2025-05-01T09:00:00Z',
      archive_reason: null,
      archived_by: 'никто',
    },
  ])
  for (const [aid, oid] of [
    [1, 3],
    [2, 3],
    [3, 2],
  ]) {
    await insert(
      sql,
      'archived_verification',
      [
        {
          ...verification(oid, { verification_due: '2026-01-14' }),
          equipment_id: undefined,
          archived_equipment_id: aid,
          original_equipment_id: oid,
        },
      ].map(({ equipment_id: _, ...r }) => r),
    )
    await insert(sql, 'archived_responsibility', [
      {
        archived_equipment_id: aid,
        original_equipment_id: oid,
        department: 'gtl',
        responsible_person: 'Иванов',
        verifier_org: 'ЦСМ',
      },
    ])
    await insert(sql, 'archived_finance', [
      {
        archived_equipment_id: aid,
        original_equipment_id: oid,
        budget_item: 'Поверка',
        cost_rate: 100,
        quantity: 1,
        coefficient: 1,
        total_cost: 120,
      },
    ])
  }
  await insert(sql, 'archived_equipment_files', [
    {
      archived_equipment_id: 1,
      original_equipment_id: 3,
      file_name: 'Старое свидетельство.pdf',
      file_path: 'equipment_3/old.pdf',
      file_type: 'verification_docs',
      file_size: bytes['equipment_3/old.pdf'].length,
      uploaded_at: '2020-01-01T00:00:00Z',
      sort_order: 0,
    },
  ])

  await insert(sql, 'pinned_documents', [
    {
      file_name: 'Регламент.pdf',
      file_path: 'pinned_documents/reglament.pdf',
      file_size: bytes['pinned_documents/reglament.pdf'].length,
      uploaded_at: '2024-09-01T12:00:00Z',
      uploaded_by: 'boss',
    },
    {
      file_name: 'Записка.docx',
      file_path: 'pinned_documents/memo.docx',
      file_size: 20,
      uploaded_at: '2024-09-02T12:00:00Z',
      uploaded_by: 'boss',
    },
  ])
  await insert(sql, 'contracts', [
    {
      executor_name: ' ФБУ ЦСМ ',
      contract_number: '№ 42/2026',
      valid_until: '2026-12-31',
      contract_amount: 150000.5,
      spent_amount: 20000,
      created_at: '2026-01-10T10:00:00Z',
      updated_at: '2026-02-10T10:00:00Z',
    },
  ])
  await insert(sql, 'backup_history', [{ file_name: 'b.sql', status: 'success' }])
  return bytes
}

/** N plain instruments, all four sections, ~8 % hand-typed totals, plus 32 users. */
export async function bulk(sql: Sql, n: number) {
  const departments = ['gtl', 'ОИИ', 'ЛТР', 'es', 'ts']
  await sql`
    insert into equipment (id, equipment_name, equipment_model, equipment_type, equipment_specs,
                           factory_number, inventory_number, equipment_year)
    select i, ' Прибор ' || i, 'Модель ' || (i % 300), case when i % 7 = 0 then 'IO' else 'SI' end::equipment_type_enum,
           case when i % 3 = 0 then '-' else 'Диапазон ' || i end, 'F-' || (i % (${n} - 40)),
           'INV-' || i, 1990 + i % 35
    from generate_series(1, ${n}) i`
  await sql`select setval('equipment_id_seq', ${n})`
  await sql`
    insert into verification (equipment_id, verification_type, registry_number, verification_interval,
                              verification_date, verification_plan, verification_state, status)
    select i, (array['verification','calibration','certification'])[1 + i % 3]::verification_type_enum,
           'Р-' || i, (array[6, 12, 24])[1 + i % 3], date '2024-01-01' + (i % 700),
           date '2025-01-01' + (i % 700), case when i % 50 = 0 then 'state_storage' else 'state_work' end::verification_state_enum,
           'status_fit'
    from generate_series(1, ${n}) i`
  await sql`
    insert into responsibility (equipment_id, department, responsible_person, verifier_org)
    select i, (${departments}::text[])[1 + i % 5], 'Ответственный ' || (i % 40), 'ЦСМ'
    from generate_series(1, ${n}) i`
  await sql`
    insert into finance (equipment_model_id, budget_item, code_rate, cost_rate, quantity, coefficient, total_cost)
    select i, 'Поверка', 'Т-' || (i % 20), 100 + i % 900, 1 + i % 3, 1,
           (100 + i % 900) * (1 + i % 3) * case when i % 12 = 0 then 1.2 else 1 end
    from generate_series(1, ${n}) i`
  const hash = bcrypt.hashSync(BCRYPT_PASSWORD, 4)
  await sql`
    insert into users (username, password_hash, windows_username, full_name, department, role)
    select 'user' || i, case when i <= 15 then null else ${hash} end,
           case when i <= 15 then 'BRANCH\\user' || i end, 'Пользователь ' || i,
           (${departments}::text[])[1 + i % 5], 'laborant'
    from generate_series(1, 32) i`
}
