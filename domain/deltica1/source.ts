// Reading a Deltica 1.x database: every table the migration needs, enums as text, through a
// pool the caller opened read-only (runtime/db.ts connectReadOnly). Nothing here writes.
import type { Sql } from '../../runtime/db.ts'

interface OldEquipment {
  id: number
  equipment_name: string
  equipment_model: string
  equipment_type: string
  equipment_specs: string | null
  factory_number: string
  inventory_number: string
  equipment_year: number | null
}

interface OldVerification {
  verification_type: string | null
  registry_number: string | null
  verification_interval: number | null
  verification_date: string | null
  verification_plan: string | null
  verification_state: string | null
  status: string | null
}

interface OldResponsibility {
  department: string | null
  responsible_person: string | null
  verifier_org: string | null
}

interface OldFinance {
  budget_item: string | null
  code_rate: string | null
  cost_rate: number | null
  quantity: number | null
  coefficient: number | null
  total_cost: number | null
  invoice_number: string | null
  paid_amount: number | null
  payment_date: string | null
}

/** An instrument with its sections; a section missing in 1.x has all its fields null. */
export type OldInstrument = OldEquipment &
  OldVerification &
  OldResponsibility &
  OldFinance & { has_verification: boolean; has_responsibility: boolean; has_finance: boolean }

export type OldArchived = OldInstrument & {
  archive_id: number
  archived_at: Date
  archive_reason: string | null
  archived_by: string | null
}

export interface OldFile {
  id: number
  /** equipment.id for a register file, archived_equipment.id for an archived one */
  owner_id: number
  file_name: string
  file_path: string
  file_type: string
  file_size: number
  uploaded_at: Date | null
  is_active_certificate: boolean
  sort_order: number | null
}

export interface OldUser {
  id: number
  username: string
  password_hash: string | null
  windows_username: string | null
  full_name: string
  department: string
  role: string
  is_active: boolean
  created_at: Date | null
  updated_at: Date | null
}

interface OldPinned {
  id: number
  file_name: string
  file_path: string
  file_size: number
  uploaded_at: Date
  uploaded_by: string
}

export interface OldContract {
  id: number
  executor_name: string
  contract_number: string
  valid_until: string | null
  contract_amount: number
  spent_amount: number
  created_at: Date | null
  updated_at: Date | null
}

export interface OldDatabase {
  instruments: OldInstrument[]
  archived: OldArchived[]
  files: OldFile[]
  archivedFiles: OldFile[]
  users: OldUser[]
  pinned: OldPinned[]
  contracts: OldContract[]
  /** instruments with more than one row of a section (the first row is taken) */
  extraSections: { table: string; equipment_id: number; rows: number }[]
  /** the file-type enum's values: which of the two 1.x variants this database has */
  fileTypes: string[]
}

const TABLES = [
  'equipment',
  'verification',
  'responsibility',
  'finance',
  'equipment_files',
  'archived_equipment',
  'users',
]

/** Refuses a database that is not a Deltica 1.x one, naming what is missing. */
async function assertDeltica1(sql: Sql) {
  const rows = await sql<{ table_name: string }[]>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_name in ${sql(TABLES)}`
  const found = new Set(rows.map((r) => r.table_name))
  const missing = TABLES.filter((t) => !found.has(t))
  if (missing.length) {
    throw new Deltica1Error(
      `Источник не похож на базу Deltica 1.x: нет таблиц ${missing.join(', ')}`,
    )
  }
}

export class Deltica1Error extends Error {}

async function optionalTable<T>(sql: Sql, table: string, read: () => Promise<T[]>): Promise<T[]> {
  const [row] = await sql<{ found: boolean }[]>`
    select to_regclass(${'public.' + table}) is not null as found`
  return row.found ? read() : []
}

export async function readDeltica1(sql: Sql): Promise<OldDatabase> {
  await assertDeltica1(sql)
  // one snapshot for every table: a repeatable-read read-only transaction
  return sql.begin('isolation level repeatable read read only', async (tx) => {
    const instruments = await tx<OldInstrument[]>`
      select e.id, e.equipment_name, e.equipment_model, e.equipment_type::text,
             e.equipment_specs, e.factory_number, e.inventory_number, e.equipment_year,
             v.equipment_id is not null as has_verification,
             v.verification_type::text, v.registry_number, v.verification_interval,
             v.verification_date, v.verification_plan, v.verification_state::text,
             v.status::text,
             r.equipment_id is not null as has_responsibility,
             r.department, r.responsible_person, r.verifier_org,
             f.equipment_model_id is not null as has_finance,
             f.budget_item, f.code_rate, f.cost_rate, f.quantity, f.coefficient, f.total_cost,
             f.invoice_number, f.paid_amount, f.payment_date
      from equipment e
      left join (select distinct on (equipment_id) * from verification
                 order by equipment_id, id) v on v.equipment_id = e.id
      left join (select distinct on (equipment_id) * from responsibility
                 order by equipment_id, id) r on r.equipment_id = e.id
      left join (select distinct on (equipment_model_id) * from finance
                 order by equipment_model_id, id) f on f.equipment_model_id = e.id
      order by e.id`
    const archived = await optionalTable<OldArchived>(
      tx as unknown as Sql,
      'archived_equipment',
      () => tx<OldArchived[]>`
      select a.original_id as id, a.id as archive_id, a.equipment_name, a.equipment_model,
             a.equipment_type::text, a.equipment_specs, a.factory_number, a.inventory_number,
             a.equipment_year, a.archived_at, a.archive_reason, a.archived_by,
             v.archived_equipment_id is not null as has_verification,
             v.verification_type::text, v.registry_number, v.verification_interval,
             v.verification_date, v.verification_plan, v.verification_state::text,
             v.status::text,
             r.archived_equipment_id is not null as has_responsibility,
             r.department, r.responsible_person, r.verifier_org,
             f.archived_equipment_id is not null as has_finance,
             f.budget_item, f.code_rate, f.cost_rate, f.quantity, f.coefficient, f.total_cost,
             f.invoice_number, f.paid_amount, f.payment_date
      from archived_equipment a
      left join (select distinct on (archived_equipment_id) * from archived_verification
                 order by archived_equipment_id, id) v on v.archived_equipment_id = a.id
      left join (select distinct on (archived_equipment_id) * from archived_responsibility
                 order by archived_equipment_id, id) r on r.archived_equipment_id = a.id
      left join (select distinct on (archived_equipment_id) * from archived_finance
                 order by archived_equipment_id, id) f on f.archived_equipment_id = a.id
      order by a.id`,
    )
    const files = await tx<OldFile[]>`
      select id, equipment_id as owner_id, file_name, file_path, file_type::text, file_size,
             uploaded_at, coalesce(is_active_certificate, false) as is_active_certificate,
             sort_order
      from equipment_files order by equipment_id, sort_order nulls last, id`
    const archivedFiles = await optionalTable<OldFile>(
      tx as unknown as Sql,
      'archived_equipment_files',
      () => tx<OldFile[]>`
      select id, archived_equipment_id as owner_id, file_name, file_path, file_type::text,
             file_size, uploaded_at, false as is_active_certificate, sort_order
      from archived_equipment_files order by archived_equipment_id, sort_order nulls last, id`,
    )
    const users = await tx<OldUser[]>`
      select id, username, password_hash, windows_username, full_name, department,
             role::text, is_active, created_at, updated_at
      from users order by id`
    const pinned = await optionalTable<OldPinned>(
      tx as unknown as Sql,
      'pinned_documents',
      () => tx<OldPinned[]>`
      select id, file_name, file_path, file_size, uploaded_at, uploaded_by
      from pinned_documents order by id`,
    )
    const contracts = await optionalTable<OldContract>(
      tx as unknown as Sql,
      'contracts',
      () => tx<OldContract[]>`
      select id, executor_name, contract_number, valid_until, contract_amount, spent_amount,
             created_at, updated_at
      from contracts order by id`,
    )
    const extraSections = await tx<{ table: string; equipment_id: number; rows: number }[]>`
      select 'verification' as table, equipment_id, count(*)::int as rows
        from verification group by equipment_id having count(*) > 1
      union all
      select 'responsibility', equipment_id, count(*)::int
        from responsibility group by equipment_id having count(*) > 1
      union all
      select 'finance', equipment_model_id, count(*)::int
        from finance group by equipment_model_id having count(*) > 1
      order by 2, 1`
    const fileTypes = await tx<{ v: string }[]>`
      select e.enumlabel as v from pg_enum e join pg_type t on t.oid = e.enumtypid
      where t.typname = 'file_type_enum' order by e.enumsortorder`
    return {
      instruments,
      archived,
      files,
      archivedFiles,
      users,
      pinned,
      contracts,
      extraSections,
      fileTypes: fileTypes.map((r) => r.v),
    }
  }) as Promise<OldDatabase>
}
