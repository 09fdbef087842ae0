// Pins the status rule and the due-date arithmetic (docs/domain.md), and checks that the status filter
// selects exactly the rows whose computed status matches, for every status and date around the
// expiring window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabase, type TestDatabase } from '../../test/db.ts'
import { STATUSES, type Status } from '../shared/labels.ts'
import { statusCondition } from './status.ts'

let db: TestDatabase
beforeAll(async () => {
  db = await testDatabase()
})
afterAll(() => db.close())

describe('verification_due', () => {
  it.each([
    ['2025-10-08', 12, '2026-10-07'],
    ['2025-10-08', 24, '2027-10-07'],
    ['2025-10-08', 36, '2028-10-07'],
    ['2025-01-31', 12, '2026-01-30'],
    ['2024-02-29', 12, '2025-02-27'],
    ['2025-03-01', 1, '2025-03-31'],
  ])('%s + %i months → %s', async (date, months, due) => {
    const [row] = await db.sql`select verification_due(${date}::date, ${months}::integer) as due`
    expect(row.due).toBe(due)
  })
})

describe('equipment_status', () => {
  const at = async (state: string, offsetDays: number, window = 14) => {
    const [row] = await db.sql`
      select equipment_status(${state}, current_date + ${offsetDays}::integer, current_date, ${window}::integer) as s`
    return row.s
  }

  it.each([
    [-10, 'status_expired'],
    [-1, 'status_expired'],
    [0, 'status_expiring'],
    [1, 'status_expiring'],
    [10, 'status_expiring'],
    [14, 'status_expiring'],
    [15, 'status_fit'],
    [30, 'status_fit'],
  ])('state work, due today%+i → %s', async (offset, status) => {
    expect(await at('state_work', offset)).toBe(status)
  })

  it.each([
    ['state_storage', 'status_storage'],
    ['state_verification', 'status_verification'],
    ['state_repair', 'status_repair'],
  ])('%s wins over any date', async (state, status) => {
    for (const offset of [-400, -1, 0, 5, 14, 15, 400]) expect(await at(state, offset)).toBe(status)
  })

  it('the window is a parameter (the admin setting)', async () => {
    expect(await at('state_work', 20, 14)).toBe('status_fit')
    expect(await at('state_work', 20, 30)).toBe('status_expiring')
  })
})

describe('statusCondition agrees with equipment_status', () => {
  it('for every status, state and due date from −20 to +40 days', async () => {
    const window = 14
    const rows = await db.sql`
      with cases as (
        select s.state, current_date + d as due
        from unnest(array['state_work','state_storage','state_verification','state_repair']) as s(state),
             generate_series(-20, 40) as d
      )
      select state as verification_state, due as verification_due,
             equipment_status(state, due, current_date, ${window}::integer) as status
      from cases`
    for (const status of Object.keys(STATUSES) as Status[]) {
      const matched = await db.sql`
        with cases as (
          select s.state as verification_state, current_date + d as verification_due
          from unnest(array['state_work','state_storage','state_verification','state_repair']) as s(state),
               generate_series(-20, 40) as d
        )
        select count(*)::int as n from cases where ${statusCondition(db.sql, [status], window)}`
      expect(matched[0].n, status).toBe(rows.filter((r) => r.status === status).length)
    }
    const [both] = await db.sql`
      select count(*)::int as n
      from (select 'state_work' as verification_state, current_date + d as verification_due from generate_series(-20, 40) d) c
      where ${statusCondition(db.sql, ['status_fit', 'status_expired'], window, 'c')}`
    expect(both.n).toBe(
      rows.filter((r) => r.verification_state === 'state_work' && r.status !== 'status_expiring')
        .length,
    )
  })
})
