// The import: every row of the uploaded workbook validated first, every problem reported
// ({row, column, message}); nothing written unless the whole file is valid; then, in one
// transaction, rows whose ID exists are updated (only changed fields, audited) and the rest created.
// A row with an ID the register never had is an error unless the admin chose `createWithId` (then
// it is created under that ID and the sequence moved past it). Rows repeating an inventory or
// factory number (of the register or of an earlier row) are warned about; a row without ID whose
// name, factory number and inventory number all equal an active instrument's (at least one number
// filled) is that instrument already: it is not created again — a re-import adds nothing.
import type { AuthedEnv } from '../../../runtime/endpoint.ts'
import { badRequest } from '../../../runtime/errors.ts'
import {
  EquipmentCreate,
  WRITABLE_FIELDS,
  type EquipmentInput,
  type WritableField,
} from '../fields.ts'
import { findEquipment, type EquipmentRow } from '../record.ts'
import { LONG_JOB_STATEMENT_TIMEOUT } from '../../../runtime/db.ts'
import { insertEquipment, intervalWarnings, updateEquipment } from '../write.ts'
import { departmentLabels } from '../../departments.ts'
import { LAYOUT } from './layout.ts'
import { parseSheet, type ParsedRow, type RowIssue } from './sheet.ts'
import { futureDateMessage } from '../cycles.ts'
import { settingsOf } from '../../settings/registry.ts'
import { today } from '../../../runtime/clock.ts'
import { formatMoney } from '../../shared/labels.ts'

/** The row's writable values as the create schema sees them (defaults for empty counts). */
function candidate(
  values: Partial<Record<WritableField, unknown>>,
  current: EquipmentRow | undefined,
): Record<string, unknown> {
  const base: Record<string, unknown> = {}
  if (current) for (const f of WRITABLE_FIELDS) base[f] = current[f]
  const merged: Record<string, unknown> = { ...base, ...values }
  for (const f of ['quantity', 'coefficient']) if (merged[f] == null) delete merged[f]
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k]
  return merged
}

interface ValidRow {
  row: number
  id: number | null
  /** the file's «Итоговая стоимость», when it has one (ParsedRow.fileTotal) */
  fileTotal?: number
  /** the ID is new: the row is created under it */
  createWithId: boolean
  /** an active instrument this new row already is (same name and numbers) */
  present: number | null
  input: EquipmentInput
}

export interface ImportOptions {
  dryRun: boolean
  /** rows whose ID the register never had are created under that ID */
  createWithId: boolean
}

const headerOf = new Map(LAYOUT.map((c) => [c.key, c.header]))

/**
 * POST /api/equipment/import with the workbook's bytes: a report of what was (or, with `dryRun`,
 * would be) created, updated and left unchanged, with non-blocking warnings. Any problem in the
 * file → 400 listing every one ({errors: [{row, column, message}], dry_run}), nothing written.
 */
export async function importWorkbook(bytes: Buffer, env: AuthedEnv, options: ImportOptions) {
  const { dryRun, createWithId } = options
  const departments = await departmentLabels(env.sql)
  const { rows, issues, columns } = await parseSheet(bytes, departments)
  const { current, taken } = await currentRows(env, rows)
  const { verification_future_days } = await settingsOf(env)
  const todayIso = today(env.config.timeZone)
  const futureCheck: FutureCheck = (date) =>
    futureDateMessage(date, todayIso, verification_future_days)
  const valid = validRows(rows, current, issues, futureCheck, createWithId ? taken : null)
  if (issues.length) {
    issues.sort((a, b) => a.row - b.row)
    throw badRequest(`В файле есть ошибки (${issues.length}); ничего не изменено`, {
      errors: issues,
      dry_run: dryRun,
    })
  }
  const warnings: RowIssue[] = valid.flatMap((v) =>
    intervalWarnings(v.input.verification_interval).map((w) => ({
      row: v.row,
      column: headerOf.get(w.field)!,
      message: w.message,
    })),
  )
  warnings.push(...(await duplicates(env, valid)), ...totalWarnings(valid))
  warnings.sort((a, b) => a.row - b.row)
  // an update writes the columns the sheet has, and only those
  const present = new Set(columns.map((c) => c.key))
  const patchOf = (input: EquipmentInput) =>
    Object.fromEntries(
      WRITABLE_FIELDS.filter((f) => present.has(f)).map((f) => [f, input[f] ?? null]),
    )
  const summary = dryRun ? countChanges(valid, current, patchOf) : await apply(env, valid, patchOf)
  return { dry_run: dryRun, rows: valid.length, ...summary, errors: [], warnings }
}

/** The register's rows the sheet's IDs name (active instruments), and the IDs taken by any row. */
async function currentRows(env: AuthedEnv, rows: ParsedRow[]) {
  const ids = rows.flatMap((r) => (r.id ? [r.id] : []))
  const current = new Map<number, EquipmentRow>()
  const taken = new Set<number>()
  if (ids.length) {
    const found = await env.sql<EquipmentRow[]>`
      select e.*
      from equipment_active e
      where e.id = any(${ids}::bigint[])`
    for (const r of found) current.set(r.id, r)
    const all = await env.sql<{ id: number }[]>`
      select id from equipment where id = any(${ids}::bigint[])`
    for (const r of all) taken.add(Number(r.id))
  }
  return { current, taken }
}

const trimmed = (v: string | null | undefined) => (v ?? '').trim()

/**
 * Warnings for inventory and factory numbers met before (in the register or an earlier row), and
 * the «already present» match of each new row: same name, factory and inventory number as an
 * active instrument, at least one number filled. Marks `present` on the rows it matches.
 */
async function duplicates(env: AuthedEnv, valid: ValidRow[]): Promise<RowIssue[]> {
  const numbers = [
    ...new Set(
      valid.flatMap((v) => [trimmed(v.input.inventory_number), trimmed(v.input.factory_number)]),
    ),
  ].filter(Boolean)
  type Held = { id: number; name: string; factory: string; inventory: string }
  const byInventory = new Map<string, Held[]>()
  const byFactory = new Map<string, Held[]>()
  if (numbers.length) {
    const held = await env.sql<Held[]>`
      select id, equipment_name as name, coalesce(trim(factory_number), '') as factory,
             coalesce(trim(inventory_number), '') as inventory
      from equipment
      where archived_at is null
        and (trim(inventory_number) = any(${numbers}::text[])
             or trim(factory_number) = any(${numbers}::text[]))`
    for (const h of held) {
      h.id = Number(h.id)
      if (h.inventory) byInventory.set(h.inventory, [...(byInventory.get(h.inventory) ?? []), h])
      if (h.factory) byFactory.set(h.factory, [...(byFactory.get(h.factory) ?? []), h])
    }
  }
  const warnings: RowIssue[] = []
  const seenInventory = new Map<string, number>()
  const seenFactory = new Map<string, number>()
  for (const v of valid) {
    const inventory = trimmed(v.input.inventory_number)
    const factory = trimmed(v.input.factory_number)
    const name = trimmed(v.input.equipment_name)
    if (!v.id && (inventory || factory)) {
      const same = [...(byInventory.get(inventory) ?? []), ...(byFactory.get(factory) ?? [])].find(
        (h) => h.inventory === inventory && h.factory === factory && trimmed(h.name) === name,
      )
      if (same) {
        v.present = same.id
        warnings.push({
          row: v.row,
          column: 'ID',
          message: `Этот прибор уже есть в реестре (ID ${same.id}: то же наименование, заводской и инвентарный №) — строка не будет добавлена повторно`,
        })
        continue
      }
    }
    const checks = [
      ['inventory_number', inventory, byInventory, seenInventory],
      ['factory_number', factory, byFactory, seenFactory],
    ] as const
    for (const [field, value, register, seen] of checks) {
      if (!value) continue
      const column = headerOf.get(field)!
      const others = (register.get(value) ?? []).filter((h) => h.id !== v.id).map((h) => h.id)
      if (others.length) {
        warnings.push({
          row: v.row,
          column,
          message: `${column} ${value} уже есть в реестре (ID ${others.join(', ')})`,
        })
      }
      const earlier = seen.get(value)
      if (earlier !== undefined) {
        warnings.push({
          row: v.row,
          column,
          message: `${column} ${value} уже встречается в строке ${earlier} этого файла`,
        })
      } else seen.set(value, v.row)
    }
  }
  return warnings
}

/**
 * «Итоговая стоимость» is computed (cost × quantity × coefficient, to the kopeck) and not loaded.
 * A total in the file that differs — typed by hand, as Deltica 1.x exports have it — is warned
 * about on its row, so the sum is not dropped without a word.
 */
function totalWarnings(valid: ValidRow[]): RowIssue[] {
  const column = headerOf.get('total_cost')!
  const out: RowIssue[] = []
  for (const v of valid) {
    if (v.fileTotal === undefined) continue
    const { cost_rate, quantity, coefficient } = v.input
    // as the database rounds it (numeric): the float product's noise cut off first
    const computed =
      cost_rate == null
        ? null
        : Math.round(
            Number((cost_rate * (quantity ?? 1) * (coefficient ?? 1) * 100).toPrecision(15)),
          ) / 100
    if (computed != null && Math.abs(computed - v.fileTotal) < 0.005) continue
    out.push({
      row: v.row,
      column,
      message:
        `${column} в файле ${formatMoney(v.fileTotal)} ≠ стоимость × кол-во × коэффициент = ` +
        `${computed == null ? 'нет (не указана стоимость по тарифу)' : formatMoney(computed)}: ` +
        'столбец вычисляется, значение из файла не загружается',
    })
  }
  return out
}

/** The refusal for a verification date too far ahead, or null. */
type FutureCheck = (date: string | null | undefined) => string | null

/**
 * Each row checked as a whole record (the current values under the sheet's); problems → issues.
 * A verification date the row changes (or a new row brings) must not lie in the future, as in the
 * form; a date the register already holds is left as it is.
 */
function validRows(
  rows: ParsedRow[],
  current: Map<number, EquipmentRow>,
  issues: RowIssue[],
  futureCheck: FutureCheck,
  /** set when the admin chose to create rows under new IDs: the IDs any row holds */
  taken: Set<number> | null,
): ValidRow[] {
  const seen = new Set<number>()
  const valid: ValidRow[] = []
  for (const r of rows) {
    const createWithId = !!r.id && !current.has(r.id) && !!taken && !taken.has(r.id)
    if (r.id && !current.has(r.id) && !createWithId) {
      issues.push({
        row: r.row,
        column: 'ID',
        message: taken?.has(r.id)
          ? `ID ${r.id} занят прибором в архиве; уберите ID, чтобы добавить строку как новый прибор`
          : `Оборудование с ID ${r.id} не найдено в реестре. Чтобы создать его с этим ID, ` +
            'отметьте «Создать приборы с ID из файла» (или уберите ID — прибор получит новый)',
      })
      continue
    }
    if (r.id && seen.has(r.id)) {
      issues.push({ row: r.row, column: 'ID', message: `ID ${r.id} встречается в файле повторно` })
      continue
    }
    if (r.id) seen.add(r.id)
    const parsed = EquipmentCreate.safeParse(
      candidate(r.values, r.id ? current.get(r.id) : undefined),
    )
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const key = String(issue.path[0] ?? '')
        issues.push({
          row: r.row,
          column: headerOf.get(key) ?? key,
          message: /[а-яё]/i.test(issue.message) ? issue.message : 'Недопустимое значение',
        })
      }
      continue
    }
    const date = parsed.data.verification_date
    const held = r.id ? current.get(r.id)?.verification_date : undefined
    const future = date !== held ? futureCheck(date) : null
    if (future) {
      issues.push({ row: r.row, column: headerOf.get('verification_date')!, message: future })
      continue
    }
    valid.push({
      row: r.row,
      id: r.id,
      fileTotal: r.fileTotal,
      createWithId,
      present: null,
      input: parsed.data,
    })
  }
  return valid
}

type PatchOf = (input: EquipmentInput) => Record<string, unknown>

/** A dry run: what the import would do, from the values alone. */
function countChanges(valid: ValidRow[], current: Map<number, EquipmentRow>, patchOf: PatchOf) {
  const summary = { created: 0, updated: 0, unchanged: 0, already_present: 0 }
  for (const v of valid) {
    if (v.present) {
      summary.already_present++
      continue
    }
    if (!v.id || v.createWithId) {
      summary.created++
      continue
    }
    const before = current.get(v.id)!
    const patch = patchOf(v.input)
    const differs = Object.keys(patch).some(
      (k) => JSON.stringify(before[k] ?? null) !== JSON.stringify(patch[k] ?? null),
    )
    if (differs) summary.updated++
    else summary.unchanged++
  }
  return summary
}

/** The writes, in one transaction: creates and audited updates of the changed fields. */
async function apply(env: AuthedEnv, valid: ValidRow[], patchOf: PatchOf) {
  const summary = { created: 0, updated: 0, unchanged: 0, already_present: 0 }
  await env.sql.begin(async (tx) => {
    await tx.unsafe(`set local statement_timeout = '${LONG_JOB_STATEMENT_TIMEOUT}'`)
    for (const v of valid) {
      if (v.present) {
        summary.already_present++
        continue
      }
      if (!v.id || v.createWithId) {
        await insertEquipment(tx, env, v.input, {
          audit: 'equipment_import_create',
          skipDepartmentCheck: true,
          id: v.createWithId ? v.id! : undefined,
        })
        summary.created++
        continue
      }
      const before = await findEquipment(tx, env.user, v.id, { lock: true })
      const result = before
        ? await updateEquipment(tx, env, before, patchOf(v.input), {
            audit: 'equipment_import_update',
            skipDepartmentCheck: true,
          })
        : null
      if (result) summary.updated++
      else summary.unchanged++
    }
    if (valid.some((v) => v.createWithId)) {
      await tx`select setval(pg_get_serial_sequence('equipment', 'id'),
                             greatest((select max(id) from equipment), 1))`
    }
  })
  return summary
}
