// The pure parts of the 1.x mapping: due dates and statuses as the register computes them, and
// the suggested name for a 1.x username the register refuses.
import { describe, expect, it } from 'vitest'
import { dueDate, statusOf, suggestUsername } from './map.ts'

describe('deltica1 mapping helpers', () => {
  it('computes the due date like verification_due(): + months − 1 day, month ends clamped', () => {
    expect(dueDate('2026-01-15', 12)).toBe('2027-01-14')
    expect(dueDate('2024-01-31', 1)).toBe('2024-02-28')
    expect(dueDate('2023-03-01', 1)).toBe('2023-03-31')
    expect(dueDate('2024-12-10', 24)).toBe('2026-12-09')
  })

  it('recomputes the status like equipment_status()', () => {
    expect(statusOf('state_work', '2026-01-01', '2026-01-02', 14)).toBe('status_expired')
    expect(statusOf('state_work', '2026-01-16', '2026-01-02', 14)).toBe('status_expiring')
    expect(statusOf('state_work', '2026-01-17', '2026-01-02', 14)).toBe('status_fit')
    expect(statusOf('state_repair', '2020-01-01', '2026-01-02', 14)).toBe('status_repair')
    expect(statusOf('state_storage', '2020-01-01', '2026-01-02', 14)).toBe('status_storage')
  })

  it('suggests a Latin username that is free', () => {
    expect(suggestUsername('Сидоров', new Set())).toBe('sidorov')
    expect(suggestUsername('Сидоров', new Set(['sidorov']))).toBe('sidorov2')
    expect(suggestUsername('Иван Петров', new Set())).toBe('ivan_petrov')
    expect(suggestUsername('Я', new Set())).toBe('ya')
    expect(suggestUsername('Ё', new Set())).toBe('user_e')
  })
})
