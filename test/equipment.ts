// Fixtures for register tests: a valid instrument body and dates relative to today.
const today = () => new Date().toISOString().slice(0, 10)

/** today + n days, 'YYYY-MM-DD' */
export const inDays = (n: number) =>
  new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10)

/** A verification date whose due date (date + 12 months − 1 day) is today + n days. */
export function dateForDue(n: number): string {
  const due = new Date(`${inDays(n)}T00:00:00Z`)
  due.setUTCDate(due.getUTCDate() + 1)
  due.setUTCFullYear(due.getUTCFullYear() - 1)
  return due.toISOString().slice(0, 10)
}

export function instrument(overrides: Record<string, unknown> = {}) {
  return {
    equipment_name: 'Манометр',
    equipment_model: 'МП-100',
    equipment_type: 'SI',
    equipment_specs: 'КТ 1,5',
    factory_number: 'F-1',
    inventory_number: 'INV-1',
    equipment_year: 2015,
    verification_type: 'verification',
    registry_number: '12345-06',
    verification_interval: 12,
    verification_date: dateForDue(100),
    verification_state: 'state_work',
    department: 'gtl',
    responsible_person: 'Ветров А. Б.',
    verifier_org: 'ТЦСМ',
    budget_item: '11.03.02.01',
    code_rate: '23ПВ0341',
    cost_rate: 1000,
    quantity: 2,
    coefficient: 1.5,
    ...overrides,
  }
}
