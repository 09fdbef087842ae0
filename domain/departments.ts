// A department code must name a row of `departments`: an unknown one is a field error (400) for
// the form to highlight, rather than the foreign key's 409. Users and instruments both check it.
import type { Sql, TransactionSql } from '../runtime/db.ts'
import { badRequest } from '../runtime/errors.ts'

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
