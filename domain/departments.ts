// Departments: the reference table behind every department label (UI, documents, exports) —
// listed in their order, created, changed and deleted (only when nothing refers to one: the
// foreign keys answer 409), each write audited. A department code given anywhere must name a row:
// an unknown one is a field error (400) for the form to highlight, rather than the foreign key's
// 409; users and instruments both check it here.
import type { Sql, TransactionSql } from '../runtime/db.ts'
import type { AuthedEnv } from '../runtime/endpoint.ts'
import { badRequest, notFound } from '../runtime/errors.ts'
import { diffFields, recordAudit } from './audit/record.ts'
import { checkVersion } from './stale.ts'

type Writer = Pick<AuthedEnv, 'sql' | 'user' | 'ip'>

/** Every department's label by its code (the workbook's export and import). */
export async function departmentLabels(sql: Sql | TransactionSql): Promise<Map<string, string>> {
  const rows = await sql<{ code: string; label: string }[]>`select code, label from departments`
  return new Map(rows.map((r) => [r.code, r.label]))
}

export async function assertDepartment(
  sql: Sql | TransactionSql,
  code: string | null | undefined,
): Promise<void> {
  if (code == null) return
  const [row] = await sql`select 1 from departments where code = ${code}`
  if (!row) {
    throw badRequest('Проверьте поля запроса', {
      fields: [{ field: 'department', message: 'Неизвестное подразделение' }],
    })
  }
}

export async function listDepartments(sql: Sql) {
  return sql`
    select code, label, sort_order, version
    from departments
    order by sort_order, label`
}

export function createDepartment(
  env: Writer,
  input: { code: string; label: string; sort_order: number },
) {
  return env.sql.begin(async (tx) => {
    const [created] = await tx`
      insert into departments (code, label, sort_order)
      values (${input.code}, ${input.label}, ${input.sort_order})
      returning code, label, sort_order, version`
    await recordAudit(tx, env, {
      action: 'department_create',
      entity: 'department',
      entityId: input.code,
      changes: diffFields({}, created, ['code', 'label', 'sort_order']),
    })
    return created
  })
}

export function updateDepartment(
  env: Writer,
  code: string,
  patch: { label?: string; sort_order?: number; version: number },
) {
  return env.sql.begin(async (tx) => {
    const [row] = await tx`
      select code, label, sort_order, version, updated_at, updated_by
      from departments where code = ${code} for update`
    if (!row) throw notFound('Подразделение не найдено')
    const { updated_at: _at, updated_by: _by, ...before } = row
    await checkVersion(tx, patch.version, row as typeof row & { version: number }, before)
    const [after] = await tx`
      update departments set
        label = ${patch.label ?? before.label},
        sort_order = ${patch.sort_order ?? before.sort_order},
        version = version + 1,
        updated_at = now(),
        updated_by = ${env.user.id}
      where code = ${code}
      returning code, label, sort_order, version`
    await recordAudit(tx, env, {
      action: 'department_update',
      entity: 'department',
      entityId: code,
      changes: diffFields(before, after, ['label', 'sort_order']),
    })
    return after
  })
}

export function deleteDepartment(env: Writer, code: string) {
  return env.sql.begin(async (tx) => {
    const [gone] =
      await tx`delete from departments where code = ${code} returning code, label, sort_order`
    if (!gone) throw notFound('Подразделение не найдено')
    await recordAudit(tx, env, {
      action: 'department_delete',
      entity: 'department',
      entityId: code,
      changes: diffFields(gone, {}),
    })
  })
}
