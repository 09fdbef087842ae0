// Department scoping, the one rule: an admin sees every department, a laborant only their own.
// Returns a SQL condition over a relation with a `department` column (qualified by `alias`).
import type { PendingQuery, Row } from 'postgres'
import type { Sql } from '../runtime/db.ts'
import type { User } from '../runtime/endpoint.ts'

export function departmentScope(sql: Sql, user: User, alias?: string): PendingQuery<Row[]> {
  if (user.role === 'admin') return sql`true`
  const column = alias ? sql`${sql(alias)}.department` : sql`department`
  // a laborant always has a department (users_laborant_has_department); null would match nothing
  return sql`${column} = ${user.department}`
}

/** The same rule for one department in memory (the live register's events). */
export const seesDepartment = (
  user: Pick<User, 'role' | 'department'>,
  department: string | null,
) => user.role === 'admin' || (department !== null && department === user.department)
