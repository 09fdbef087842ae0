// Seeds the register straight in SQL with the shape of a real branch: ~90 % СИ, the
// verification types, intervals, states and uneven departments, dates spread so that every
// status occurs. Used by the browser tests (a few hundred rows) and bench/ (100,000 rows).
import type postgres from 'postgres'

const NAMES = [
  'Манометр',
  'Сито лабораторное',
  'Индикатор часового типа',
  'Термометр',
  'Электрод',
  'Датчик температуры',
  'Ареометр',
  'Весы лабораторные',
  'Термогигрометр',
  'GNSS-приёмник',
]
const MODELS = [
  'ДМ 02-160',
  'С-20/38',
  'ИЧ-10',
  'ТЛ-4',
  'ЭСК-10601',
  'ТСП-100',
  'АОН-1',
  'ВЛ-224',
  'ИВА-6Н',
  'Trimble R8',
]
const PEOPLE = [
  'Иванов И. И.',
  'Петрова А. С.',
  'Сидоров К. В.',
  'Кузнецова Е. А.',
  'Морозов Д. П.',
]
const VERIFIERS = ['ТЦСМ', 'ТЦСМ', 'ТЦСМ', 'ТЦСМ', 'ТЦСМ выезд', 'ГПП', 'ВНИИМ']

export async function seedEquipment(
  sql: postgres.Sql,
  count: number,
): Promise<{ first: number; last: number }> {
  const [{ max }] = await sql`select coalesce(max(id), 0)::int as max from equipment`
  const first = max + 1
  const last = max + count
  await sql.begin(async (tx) => {
    await tx`
      insert into equipment (id, equipment_name, equipment_model, equipment_type, equipment_specs,
        factory_number, inventory_number, equipment_year)
      select i, (${NAMES}::text[])[1 + (i * 7 + i / 13) % 10], (${MODELS}::text[])[1 + (i * 7 + i / 13) % 10],
        case when i % 10 = 0 then 'IO' else 'SI' end,
        case when i % 3 = 0 then 'КТ 1,5' when i % 3 = 1 then 'КТ 1' else '-' end,
        'ЗН-' || lpad(i::text, 6, '0'), 'ИН-' || lpad((i % 9973)::text, 5, '0'), 1975 + i % 51
      from generate_series(${first}::int, ${last}::int) as i`
    await tx`
      insert into verification (equipment_id, verification_type, registry_number, verification_interval,
        verification_date, verification_plan, verification_state)
      select i,
        case when i % 12 < 9 then 'verification' when i % 12 < 11 then 'calibration' else 'certification' end,
        case when i % 3 = 0 then null else (10000 + i % 89999)::text || '-' || (i % 30)::text end,
        (array[12, 12, 12, 12, 12, 12, 24, 24, 36, 48])[1 + i % 10],
        d, date_trunc('month', verification_due(d, (array[12, 12, 12, 12, 12, 12, 24, 24, 36, 48])[1 + i % 10]))::date,
        case when i % 500 = 7 then 'state_repair' when i % 50 = 49 then 'state_verification'
             when i % 50 >= 37 then 'state_storage' else 'state_work' end
      from generate_series(${first}::int, ${last}::int) as i,
        lateral (select (current_date - ((i * 37) % 800))::date as d) as dd`
    await tx`
      insert into responsibility (equipment_id, department, responsible_person, verifier_org)
      select i,
        case when i % 100 < 28 then 'gtl' when i % 100 < 46 then 'lhaiei' when i % 100 < 61 then 'lbr'
             when i % 100 < 74 then 'ltr' when i % 100 < 80 then 'es' when i % 100 < 85 then 'ogmk'
             when i % 100 < 90 then 'oii' when i % 100 < 95 then 'to' else 'ts' end,
        (${PEOPLE}::text[])[1 + i % 5], (${VERIFIERS}::text[])[1 + i % 7]
      from generate_series(${first}::int, ${last}::int) as i`
    await tx`
      insert into finance (equipment_id, budget_item, code_rate, cost_rate, quantity, coefficient)
      select i, case when i % 10 < 8 then '11.03.02.01' else '11.03.02.04' end, '23ПВ0341',
        (500 + (i * 13) % 4500)::numeric, 1 + i % 3, 1
      from generate_series(${first}::int, ${last}::int) as i`
    await tx`select setval(pg_get_serial_sequence('equipment', 'id'), ${last})`
  })
  return { first, last }
}
