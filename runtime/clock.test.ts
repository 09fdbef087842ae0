import { describe, expect, it } from 'vitest'
import { today } from './clock.ts'

describe('today', () => {
  it('is the date in the branch’s time zone, not in UTC', () => {
    // 22:30 UTC on 1 March is already 2 March in Moscow and still 1 March in New York
    const now = new Date('2026-03-01T22:30:00Z')
    expect(today('Europe/Moscow', now)).toBe('2026-03-02')
    expect(today('America/New_York', now)).toBe('2026-03-01')
    expect(today('Asia/Vladivostok', new Date('2026-12-31T14:00:00Z'))).toBe('2027-01-01')
  })
})
