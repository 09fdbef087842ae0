// A large register in seconds, for the list's plan and paging tests (domain/equipment/), and the
// admin those tests read it as (no account needed: the list takes the user as given).
import type { Sql } from '../runtime/db.ts'
import type { User } from '../runtime/endpoint.ts'

export const registerAdmin: User = {
  id: 1,
  username: 'admin',
  full_name: '',
  department: null,
  role: 'admin',
  token_version: 0,
}

/**
 * The statements the pool sends from now on, as postgres.js's debug hook sees them (a test empties
 * the array, runs a read, and checks which statement it took).
 */
export function recordStatements(sql: Sql): string[] {
  const statements: string[] = []
  ;(sql as unknown as { options: { debug: unknown } }).options.debug = (_c: unknown, q: string) =>
    statements.push(q)
  return statements
}

/** A laborant of the seeded register's first department (as the list takes users: no account). */
export async function registerLaborant(sql: Sql): Promise<User> {
  const [{ department }] = await sql`select department from equipment_active limit 1`
  return { ...registerAdmin, id: 2, role: 'laborant', department }
}

/**
 * Seeds N instruments with one INSERT … SELECT generate_series into the driving table, keys
 * included, and the sections copied from it, with triggers off (session_replication_role) so
 * every row is written once: the plans are what plans.test.ts tests; the triggers that keep
 * the keys are tested with real writes in domain/equipment/keys.test.ts.
 */
export async function seedRegister(sql: Sql, N: number) {
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`
    await tx`
      insert into equipment (id, equipment_name, equipment_model, equipment_type, equipment_specs,
        factory_number, inventory_number, equipment_year,
        k_verification_type, k_registry_number, k_verification_interval, k_verification_date,
        k_verification_due, k_verification_plan, k_verification_state, k_verification_result,
        k_certificate_number, k_verification_cost, k_department, k_responsible_person,
        k_verifier_org, k_budget_item, k_code_rate, k_cost_rate, k_quantity, k_coefficient,
        k_total_cost, k_invoice_number, k_paid_amount, k_payment_date)
      select i,
        (array['Манометр', 'Термометр', 'Весы', 'Штангенциркуль', 'Микрометр'])[1 + i % 5] || ' ' || i,
        'М-' || (i % 97), case when i % 3 = 0 then 'IO' else 'SI' end,
        case when i % 4 = 0 then 'класс ' || (i % 7) end, 'F' || i, 'INV-' || i, 1990 + i % 30,
        (array['verification', 'calibration', 'certification'])[1 + i % 3], 'Р' || (i % 500),
        12 + 12 * (i % 2), current_date - (i % 700),
        verification_due(current_date - (i % 700), 12 + 12 * (i % 2)),
        date_trunc('month', verification_due(current_date - (i % 700), 12 + 12 * (i % 2)))::date,
        (array['state_work', 'state_work', 'state_work', 'state_work', 'state_storage',
               'state_repair', 'state_verification'])[1 + i % 7],
        case when i % 2 = 0 then 'fit' end, 'C-' || i, (i % 1000) * 10,
        d.codes[1 + i % array_length(d.codes, 1)], 'Иванов ' || (i % 300), 'ЦСМ ' || (i % 20),
        'Статья ' || (i % 40), 'К' || (i % 60), (i % 5000) + 0.5, 1 + i % 3, 1,
        round(((i % 5000) + 0.5) * (1 + i % 3), 2), 'СЧ-' || i, i % 3000, current_date - (i % 365)
      from generate_series(1, ${N}) i,
        (select array_agg(code order by code) as codes from departments) d`
    await tx`
      insert into verification (equipment_id, verification_type, registry_number,
        verification_interval, verification_date, verification_plan, verification_state,
        verification_result, certificate_number, verification_cost)
      select id, k_verification_type, k_registry_number, k_verification_interval,
        k_verification_date, k_verification_plan, k_verification_state, k_verification_result,
        k_certificate_number, k_verification_cost
      from equipment`
    await tx`
      insert into responsibility (equipment_id, department, responsible_person, verifier_org)
      select id, k_department, k_responsible_person, k_verifier_org from equipment`
    await tx`
      insert into finance (equipment_id, budget_item, code_rate, cost_rate, quantity, coefficient,
        invoice_number, paid_amount, payment_date)
      select id, k_budget_item, k_code_rate, k_cost_rate, k_quantity, k_coefficient,
        k_invoice_number, k_paid_amount, k_payment_date
      from equipment`
  })
  for (const t of ['equipment', 'verification', 'responsibility', 'finance', 'departments'])
    // vacuum too, as autovacuum would after a bulk insert: the trigram indexes' pending lists
    // merged (the planner prices an unmerged list as a scan of it) and the visibility map set
    await sql.unsafe(`vacuum analyze ${t}`)
}
