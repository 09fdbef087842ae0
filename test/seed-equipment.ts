// A fast SQL seeder for tests and measurements: `n` instruments with every section filled, spread
// over departments, states, verification types, intervals and dates the way a real branch's register is.
// Deterministic (derived from the row number), one statement per table.
import type { Sql } from '../runtime/db.ts'

export async function seedEquipment(
  sql: Sql,
  n: number,
  opts: { departments?: string[]; archivedEvery?: number } = {},
): Promise<{ firstId: number; lastId: number }> {
  const departments = opts.departments ?? ['gtl', 'lhaiei', 'lbr', 'ltr', 'es', 'to']
  const archivedEvery = opts.archivedEvery ?? 0
  return sql.begin(async (tx) => {
    const ids = await tx<{ id: number }[]>`
      insert into equipment (equipment_name, equipment_model, equipment_type, equipment_specs,
        factory_number, inventory_number, equipment_year, archived_at, archive_reason)
      select
        (array['Манометр', 'Термометр', 'Весы лабораторные', 'Ареометр', 'Сито лабораторное'])[1 + g % 5],
        'Модель-' || (g % 37),
        case when g % 10 = 0 then 'IO' else 'SI' end,
        'КТ 1',
        'F' || g,
        'INV' || g,
        1975 + g % 50,
        case when ${archivedEvery} > 0 and g % greatest(${archivedEvery}, 1) = 0
          then now() - make_interval(days => g % 400) end,
        case when ${archivedEvery} > 0 and g % greatest(${archivedEvery}, 1) = 0
          then case when g % 2 = 0 then 'Извещение о непригодности № ' || g else 'Утеря' end end
      from generate_series(1, ${n}) g
      returning id`
    const first = Number(ids[0].id)
    const last = Number(ids[ids.length - 1].id)
    await tx`
      insert into verification (equipment_id, verification_type, registry_number,
        verification_interval, verification_date, verification_plan, verification_state,
        verification_result, certificate_number, verification_cost)
      select
        e.id,
        (array['verification', 'verification', 'verification', 'calibration', 'certification'])[1 + e.id % 5],
        case when e.id % 3 = 0 then null else 'R-' || e.id end,
        (array[12, 12, 24, 36, 48, 60])[1 + e.id % 6],
        date '2023-01-01' + (e.id * 7 % 1100)::int,
        date_trunc('month', date '2024-01-01' + (e.id * 11 % 1000)::int)::date,
        (array['state_work', 'state_work', 'state_work', 'state_storage', 'state_verification', 'state_repair'])[1 + e.id % 6],
        case when e.id % 13 = 0 then 'unfit' else 'fit' end,
        'C-' || e.id,
        (e.id % 50) * 100
      from equipment e
      where e.id between ${first} and ${last}`
    await tx`
      insert into responsibility (equipment_id, department, responsible_person, verifier_org)
      select e.id, (${departments}::text[])[1 + e.id % ${departments.length}],
        'Иванов И.И. ' || (e.id % 7), 'ТЦСМ'
      from equipment e
      where e.id between ${first} and ${last}`
    await tx`
      insert into finance (equipment_id, budget_item, code_rate, cost_rate, quantity, coefficient)
      select e.id, '11.03.02.01', '23ПВ0341', 1000 + (e.id % 9) * 250, 1 + e.id % 2, 1.2
      from equipment e
      where e.id between ${first} and ${last}`
    return { firstId: first, lastId: last }
  })
}
