// The register's list filters by code: each filter's query parameter and the field it filters, so
// its Russian label and its options come from the one field table (the drawer, the list query).
import { FIELD_BY_KEY, type FieldKey } from './fields.ts'

interface ListFilter {
  /** the list's query parameter */
  param: 'status' | 'state' | 'type' | 'verification_type' | 'department'
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
