// Test instruments inserted straight into the register's tables (equipment, verification,
// responsibility, finance — see migrations/00002), so tests need not go through the equipment API.
// insertEquipment() writes any number of instruments in four statements and returns their ids.
import type { Sql } from '../runtime/db.ts'

export interface EquipmentFixture {
  equipment_name: string
  equipment_model: string
  equipment_type: 'SI' | 'IO'
  equipment_specs: string | null
  factory_number: string
  inventory_number: string
  equipment_year: number | null
  verification_type: 'verification' | 'calibration' | 'certification'
  registry_number: string | null
  verification_interval: number
  verification_date: string
  /** first day of a month; defaults to the month of the due date */
  verification_plan: string | null
  verification_state: 'state_work' | 'state_storage' | 'state_verification' | 'state_repair'
  department: string
  responsible_person: string | null
  verifier_org: string | null
  budget_item: string
  code_rate: string | null
  cost_rate: number | null
  quantity: number
  coefficient: number
}

/** A plausible instrument; `n` varies the numbers, `overrides` sets any field. */
export function equipmentFixture(
  n = 1,
  overrides: Partial<EquipmentFixture> = {},
): EquipmentFixture {
  return {
    equipment_name: 'Манометр',
    equipment_model: `МП-100-${n}`,
    equipment_type: 'SI',
    equipment_specs: 'КТ 1,5',
    factory_number: `F${String(n).padStart(5, '0')}`,
    inventory_number: `I${String(n).padStart(5, '0')}`,
    equipment_year: 2015,
    verification_type: 'verification',
    registry_number: `12345-${String(n % 100).padStart(2, '0')}`,
    verification_interval: 12,
    verification_date: '2026-03-10',
    verification_plan: null,
    verification_state: 'state_work',
    department: 'gtl',
    responsible_person: 'Иванов И. И.',
    verifier_org: 'ТЦСМ',
    budget_item: '11.03.02.01',
    code_rate: '23ПВ0341',
    cost_rate: 1500,
    quantity: 1,
    coefficient: 1,
    ...overrides,
  }
}

/** Inserts the instruments (one statement per table) and returns their ids in input order. */
export async function insertEquipment(sql: Sql, items: EquipmentFixture[]): Promise<number[]> {
  if (items.length === 0) return []
  return sql.begin(async (tx) => {
    const rows = items.map((e, ord) => ({ ord, ...e }))
    const ids = await tx<{ id: number; ord: number }[]>`
      with input as (
        select *
        from jsonb_to_recordset(${tx.json(rows as any)}) as t(
          ord integer, equipment_name text, equipment_model text, equipment_type text,
          equipment_specs text, factory_number text, inventory_number text, equipment_year integer
        )
      ), inserted as (
        insert into equipment (equipment_name, equipment_model, equipment_type, equipment_specs,
          factory_number, inventory_number, equipment_year)
        select equipment_name, equipment_model, equipment_type, equipment_specs,
          factory_number, inventory_number, equipment_year
        from input
        order by ord
        returning id
      )
      select id, (row_number() over (order by id) - 1)::integer as ord
      from inserted`
    const withIds = rows.map((r) => ({ ...r, id: ids.find((x) => x.ord === r.ord)!.id }))
    const json = tx.json(withIds as any)
    await tx`
      insert into verification (equipment_id, verification_type, registry_number,
        verification_interval, verification_date, verification_plan, verification_state)
      select id, verification_type, registry_number, verification_interval, verification_date,
        coalesce(verification_plan, date_trunc('month',
          verification_due(verification_date, verification_interval))::date),
        verification_state
      from jsonb_to_recordset(${json}) as t(id bigint, verification_type text,
        registry_number text, verification_interval integer, verification_date date,
        verification_plan date, verification_state text)`
    await tx`
      insert into responsibility (equipment_id, department, responsible_person, verifier_org)
      select id, department, responsible_person, verifier_org
      from jsonb_to_recordset(${json}) as t(id bigint, department text,
        responsible_person text, verifier_org text)`
    await tx`
      insert into finance (equipment_id, budget_item, code_rate, cost_rate, quantity, coefficient)
      select id, budget_item, code_rate, cost_rate, quantity, coefficient
      from jsonb_to_recordset(${json}) as t(id bigint, budget_item text, code_rate text,
        cost_rate numeric, quantity integer, coefficient numeric)`
    return withIds.map((r) => r.id)
  })
}
