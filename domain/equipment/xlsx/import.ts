// The import: every row of the uploaded workbook validated first, every problem reported
// ({row, column, message}); nothing written unless the whole file is valid; then, in one
// transaction, rows whose ID exists are updated (only changed fields, audited) and the rest created.
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
import { LAYOUT } from './layout.ts'
import { parseSheet, type ParsedRow, type RowIssue } from './sheet.ts'
import { futureDateMessage } from '../cycles.ts'
import { settingsOf } from '../../settings/registry.ts'
import { today } from '../../../runtime/clock.ts'

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
  input: EquipmentInput
}

const headerOf = new Map(LAYOUT.map((c) => [c.key, c.header]))

/**
 * POST /api/equipment/import with the workbook's bytes: a report of what was (or, with `dryRun`,
 * would be) created, updated and left unchanged, with non-blocking warnings. Any problem in the
 * file → 400 listing every one ({errors: [{row, column, message}], dry_run}), nothing written.
 */
export async function importWorkbook(bytes: Buffer, env: AuthedEnv, dryRun: boolean) {
  const departments = new Map<string, string>(
    (await env.sql`select code, label from departments`).map((r) => [r.code, r.label]),
  )
  const { rows, issues, columns } = await parseSheet(bytes, departments)
  const current = await currentRows(env, rows)
  const { verification_future_days } = await settingsOf(env)
  const todayIso = today(env.config.timeZone)
  const futureCheck: FutureCheck = (date) =>
    futureDateMessage(date, todayIso, verification_future_days)
  const valid = validRows(rows, current, issues, futureCheck)
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
  // an update writes the columns the sheet has, and only those
  const present = new Set(columns.map((c) => c.key))
  const patchOf = (input: EquipmentInput) =>
    Object.fromEntries(
      WRITABLE_FIELDS.filter((f) => present.has(f)).map((f) => [f, input[f] ?? null]),
    )
  const summary = dryRun ? countChanges(valid, current, patchOf) : await apply(env, valid, patchOf)
  return { dry_run: dryRun, rows: valid.length, ...summary, errors: [], warnings }
}

/** The register's rows the sheet's IDs name (active instruments only). */
async function currentRows(env: AuthedEnv, rows: ParsedRow[]) {
  const ids = rows.flatMap((r) => (r.id ? [r.id] : []))
  const current = new Map<number, EquipmentRow>()
  if (ids.length) {
    const found = await env.sql<EquipmentRow[]>`
      select e.*
      from equipment_active e
      where e.id in ${env.sql(ids)}`
    for (const r of found) current.set(r.id, r)
  }
  return current
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
): ValidRow[] {
  const seen = new Set<number>()
  const valid: ValidRow[] = []
  for (const r of rows) {
    if (r.id && !current.has(r.id)) {
      issues.push({
        row: r.row,
        column: 'ID',
        message: `Оборудование с ID ${r.id} не найдено в реестре`,
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
    const held = r.id ? current.get(r.id)!.verification_date : undefined
    const future = date !== held ? futureCheck(date) : null
    if (future) {
      issues.push({ row: r.row, column: headerOf.get('verification_date')!, message: future })
      continue
    }
    valid.push({ row: r.row, id: r.id, input: parsed.data })
  }
  return valid
}

type PatchOf = (input: EquipmentInput) => Record<string, unknown>

/** A dry run: what the import would do, from the values alone. */
function countChanges(valid: ValidRow[], current: Map<number, EquipmentRow>, patchOf: PatchOf) {
  const summary = { created: 0, updated: 0, unchanged: 0 }
  for (const v of valid) {
    if (!v.id) {
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
  const summary = { created: 0, updated: 0, unchanged: 0 }
  await env.sql.begin(async (tx) => {
    await tx.unsafe(`set local statement_timeout = '${LONG_JOB_STATEMENT_TIMEOUT}'`)
    for (const v of valid) {
      if (!v.id) {
        await insertEquipment(tx, env, v.input, {
          audit: 'equipment_import_create',
          skipDepartmentCheck: true,
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
  })
  return summary
}
