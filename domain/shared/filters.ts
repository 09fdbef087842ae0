// The register's list filters by code: each filter's query parameter and the field it filters, so
// its Russian label and its options come from the one field table (the drawer, the list query).
import { FIELD_BY_KEY, type FieldKey } from './fields.ts'

/** the list's query parameters that filter by a field (the server's list query, the client's drawer) */
export type FilterParam = 'status' | 'state' | 'type' | 'verification_type' | 'department'

interface ListFilter {
  /** the list's query parameter */
  param: FilterParam
  field: FieldKey
  label: string
  /** the codes and labels (none for the department: the departments table has them) */
  options: Record<string, string> | null
}

const filter = (param: ListFilter['param'], field: FieldKey): ListFilter => {
  const f = FIELD_BY_KEY.get(field)!
  return { param, field, label: f.label, options: f.options ?? null }
}

export const LIST_FILTERS: readonly ListFilter[] = [
  filter('status', 'status'),
  filter('state', 'verification_state'),
  filter('type', 'equipment_type'),
  filter('verification_type', 'verification_type'),
  filter('department', 'department'),
]

const BY_PARAM = new Map(LIST_FILTERS.map((f) => [f.param, f]))

/** The codes and labels a filter accepts (the department's come from its table: none here). */
export const filterOptions = (param: Exclude<FilterParam, 'department'>): Record<string, string> =>
  BY_PARAM.get(param)!.options!

/** The codes a filter accepts, as a set (an import checks a value against it). */
export const filterCodes = (param: Exclude<FilterParam, 'department'>): ReadonlySet<string> =>
  new Set(Object.keys(filterOptions(param)))
