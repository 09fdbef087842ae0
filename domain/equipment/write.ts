// Writes of one instrument across its sections (equipment, verification, responsibility,
// finance, history), shared by the register API and the Excel import. Every write runs inside the
// caller's transaction and is audited there with old → new values; warnings flag what is allowed
// but unusual.
import type { Sql, TransactionSql } from '../../runtime/db.ts'
import type { Env } from '../../runtime/endpoint.ts'
import type { FieldIssue } from '../../runtime/errors.ts'
import { diffFields, recordAudit } from '../audit/record.ts'
import { assertDepartment } from '../departments.ts'
import {
  EQUIPMENT_FIELDS,
  FINANCE_FIELDS,
  ITEM_COLUMNS,
  RESPONSIBILITY_FIELDS,
  VERIFICATION_FIELDS,
  WRITABLE_FIELDS,
  type EquipmentInput,
  type EquipmentPatchInput,
  type VerificationCycleInput,
} from './fields.ts'
import type { EquipmentRow } from './record.ts'

type Db = Sql | TransactionSql

/** Audited fields: everything a client writes plus the computed due date and total. */
const AUDITED = [...WRITABLE_FIELDS, 'verification_due', 'total_cost'] as const

const pick = (obj: Record<string, unknown>, keys: readonly string[]) =>
  keys.filter((k) => obj[k] !== undefined)

type Fragment = ReturnType<TransactionSql['unsafe']>

/** The first day of the month of a date (SQL). */
const monthOf = (tx: TransactionSql, date: Fragment) => tx`date_trunc('month', ${date})::date`

/** The default plan: the month the verification made on `date` expires (the one rule). */
const defaultPlan = (tx: TransactionSql, date: unknown, interval: unknown) =>
  monthOf(tx, tx`verification_due(${date as string}::date, ${interval as number}::integer)`)

/** Inserts all four sections; the plan defaults to the month of the due date. */
export async function insertEquipment(
  tx: TransactionSql,
  env: Pick<Env, 'user' | 'ip'>,
  input: EquipmentInput,
  opts: { audit?: string; skipDepartmentCheck?: boolean; id?: number } = {},
): Promise<number> {
  if (!opts.skipDepartmentCheck) await assertDepartment(tx, input.department)
  const userId = env.user?.id ?? null
  const [{ id }] = await tx`
    insert into equipment (
      id, equipment_name, equipment_model, equipment_type, equipment_specs, factory_number,
      inventory_number, equipment_year, created_by, updated_by
    )
    values (
      coalesce(${opts.id ?? null}::integer, nextval(pg_get_serial_sequence('equipment', 'id'))),
      ${input.equipment_name}, ${input.equipment_model}, ${input.equipment_type},
      ${input.equipment_specs ?? null}, ${input.factory_number}, ${input.inventory_number},
      ${input.equipment_year ?? null}, ${userId}, ${userId}
    )
    returning id`
  await tx`
    insert into verification (
      equipment_id, verification_type, registry_number, verification_interval, verification_date,
      verification_plan, verification_state, verification_result, certificate_number,
      verification_cost
    )
    values (
      ${id}, ${input.verification_type}, ${input.registry_number ?? null},
      ${input.verification_interval}, ${input.verification_date},
      coalesce(
        ${input.verification_plan ?? null}::date,
        ${defaultPlan(tx, input.verification_date, input.verification_interval)}
      ),
      ${input.verification_state}, ${input.verification_result ?? null},
      ${input.certificate_number ?? null}, ${input.verification_cost ?? null}
    )`
  await tx`
    insert into responsibility (equipment_id, department, responsible_person, verifier_org)
    values (${id}, ${input.department}, ${input.responsible_person ?? null}, ${input.verifier_org ?? null})`
  await tx`
    insert into finance (
      equipment_id, budget_item, code_rate, cost_rate, quantity, coefficient, invoice_number,
      paid_amount, payment_date
    )
    values (
      ${id}, ${input.budget_item}, ${input.code_rate ?? null}, ${input.cost_rate ?? null},
      ${input.quantity}, ${input.coefficient}, ${input.invoice_number ?? null},
      ${input.paid_amount ?? null}, ${input.payment_date ?? null}
    )`
  const [after] = await tx`select * from equipment_full where id = ${id}`
  await recordAudit(tx, env, {
    action: opts.audit ?? 'equipment_create',
    entity: 'equipment',
    entityId: id,
    changes: diffFields({}, after, AUDITED),
  })
  return id
}

/**
 * Applies a subset of fields to the sections they belong to and bumps the version. A changed
 * date or interval of the current cycle is a correction (no history row); the plan follows the
 * new due date unless it had been set to another month or is given.
 * Returns the rows before and after, or null when nothing changed.
 */
export async function updateEquipment(
  tx: TransactionSql,
  env: Pick<Env, 'user' | 'ip'>,
  before: EquipmentRow,
  patch: Partial<EquipmentPatchInput>,
  opts: { audit?: string; skipDepartmentCheck?: boolean } = {},
): Promise<{ after: EquipmentRow; changes: ReturnType<typeof diffFields> } | null> {
  const values: Record<string, any> = {}
  for (const f of WRITABLE_FIELDS) if (patch[f] !== undefined) values[f] = patch[f]
  const changed = diffFields(before, values, Object.keys(values))
  if (Object.keys(changed).length === 0) return null
  if ('department' in changed && !opts.skipDepartmentCheck)
    await assertDepartment(tx, values.department as string)
  const id = before.id
  const only = (fields: readonly string[]) => pick(changed, fields)

  const eq = only(EQUIPMENT_FIELDS)
  // postgres.js finds the `set` keyword in the same template as its column helper
  if (eq.length) {
    await tx`
      update equipment
      set ${tx(values, eq)}, version = version + 1, updated_at = now(),
        updated_by = ${env.user?.id ?? null}
      where id = ${id}`
  } else {
    await tx`
      update equipment
      set version = version + 1, updated_at = now(), updated_by = ${env.user?.id ?? null}
      where id = ${id}`
  }
  const ver = only(VERIFICATION_FIELDS)
  if (ver.length) {
    const redates =
      (changed.verification_date || changed.verification_interval) && !changed.verification_plan
    await tx`
      update verification
      set ${tx(values, ver)}
        ${
          redates
            ? tx`, verification_plan = case
                when verification_plan = ${monthOf(tx, tx`verification_due`)}
                then ${defaultPlan(
                  tx,
                  values.verification_date ?? before.verification_date,
                  values.verification_interval ?? before.verification_interval,
                )}
                else verification_plan end`
            : tx``
        }
      where equipment_id = ${id}`
  }
  const resp = only(RESPONSIBILITY_FIELDS)
  if (resp.length)
    await tx`update responsibility set ${tx(values, resp)} where equipment_id = ${id}`
  const fin = only(FINANCE_FIELDS)
  if (fin.length) await tx`update finance set ${tx(values, fin)} where equipment_id = ${id}`

  const [after] = await tx<EquipmentRow[]>`
    select ${tx(ITEM_COLUMNS as unknown as string[])}, updated_at, updated_by
    from equipment_full
    where id = ${id}`
  const changes = diffFields(before, after, AUDITED)
  await recordAudit(tx, env, {
    action: opts.audit ?? 'equipment_update',
    entity: 'equipment',
    entityId: id,
    changes,
  })
  return { after, changes }
}

/**
 * A new verification cycle: the current cycle (with the verifier) is copied into the history,
 * then replaced; the plan moves to the month of the new due date unless given.
 */
export async function recordCycle(
  tx: TransactionSql,
  env: Pick<Env, 'user' | 'ip'>,
  before: EquipmentRow,
  cycle: VerificationCycleInput,
): Promise<EquipmentRow> {
  const id = before.id
  await tx`
    insert into verification_history (
      equipment_id, verification_type, registry_number, verification_interval, verification_date,
      verification_due, verification_plan, verification_result, certificate_number, verifier_org,
      verification_cost, recorded_by
    )
    select v.equipment_id, v.verification_type, v.registry_number, v.verification_interval,
           v.verification_date, v.verification_due, v.verification_plan, v.verification_result,
           v.certificate_number, r.verifier_org, v.verification_cost, ${env.user?.id ?? null}
    from verification v
    join responsibility r on r.equipment_id = v.equipment_id
    where v.equipment_id = ${id}`
  const interval = cycle.verification_interval ?? before.verification_interval
  await tx`
    update verification
    set verification_date = ${cycle.verification_date},
      verification_interval = ${interval},
      verification_type = ${cycle.verification_type ?? before.verification_type},
      verification_state = ${cycle.verification_state ?? before.verification_state},
      verification_result = ${cycle.verification_result ?? null},
      certificate_number = ${cycle.certificate_number ?? null},
      registry_number = ${cycle.registry_number === undefined ? before.registry_number : cycle.registry_number},
      verification_cost = ${cycle.verification_cost ?? null},
      verification_plan = coalesce(
        ${cycle.verification_plan ?? null}::date,
        ${defaultPlan(tx, cycle.verification_date, interval)}
      )
    where equipment_id = ${id}`
  if (cycle.verifier_org !== undefined) {
    await tx`update responsibility set verifier_org = ${cycle.verifier_org} where equipment_id = ${id}`
  }
  return finishCycleChange(tx, env, before, 'verification_record')
}

/**
 * The end of every change to an instrument's current cycle (a new one, an undo): the version
 * bumped, the row read back and the change audited, old → new.
 */
export async function finishCycleChange(
  tx: TransactionSql,
  env: Pick<Env, 'user' | 'ip'>,
  before: EquipmentRow,
  action: 'verification_record' | 'verification_undo',
): Promise<EquipmentRow> {
  const id = before.id
  await tx`
    update equipment
    set version = version + 1, updated_at = now(), updated_by = ${env.user?.id ?? null}
    where id = ${id}`
  const [after] = await tx<EquipmentRow[]>`
    select ${tx(ITEM_COLUMNS as unknown as string[])}, updated_at, updated_by
    from equipment_full
    where id = ${id}`
  await recordAudit(tx, env, {
    action,
    entity: 'equipment',
    entityId: id,
    changes: diffFields(before, after, AUDITED),
  })
  return after
}

/** The branch uses multiples of 12 months: anything else is allowed but flagged. */
export function intervalWarnings(interval: number | undefined): FieldIssue[] {
  return interval && interval % 12 !== 0
    ? [
        {
          field: 'verification_interval',
          message: 'Интервал не кратен 12 месяцам — проверьте значение',
        },
      ]
    : []
}

/**
 * Non-blocking remarks on a written record: an interval that is not a multiple of 12 and
 * inventory/factory numbers that other active instruments also carry ('-' ignored).
 */
export async function equipmentWarnings(
  sql: Db,
  row: {
    id?: number
    verification_interval?: number
    inventory_number?: string
    factory_number?: string
  },
): Promise<FieldIssue[]> {
  const warnings: FieldIssue[] = intervalWarnings(row.verification_interval)
  const numbers = [
    ['inventory_number', row.inventory_number, 'Инвентарный номер'],
    ['factory_number', row.factory_number, 'Заводской номер'],
  ] as const
  for (const [field, value, label] of numbers) {
    if (!value || value.trim() === '-' || value.trim() === '') continue
    const [{ n }] = await sql`
      select count(*)::int as n
      from equipment
      where ${sql(field)} = ${value}
        and archived_at is null
        and id <> ${row.id ?? 0}`
    if (n > 0) {
      warnings.push({
        field,
        message: `${label} «${value}» уже есть у другого оборудования (${n})`,
      })
    }
  }
  return warnings
}

/** What the audit keeps of an instrument deleted from the register: every audited field, old → none. */
export function deletedFields(before: EquipmentRow) {
  const { updated_at: _a, updated_by: _b, ...old } = before
  return diffFields(old, {}, AUDITED)
}
