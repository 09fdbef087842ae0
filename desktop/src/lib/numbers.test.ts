import { describe, expect, it } from 'vitest'
import { editText, numberFromText } from './numbers.ts'

describe('numbers typed the Russian way whatever the locale', () => {
  it('a decimal comma or point, spaces between thousands, the rouble sign', () => {
    expect(numberFromText('1,2')).toBe(1.2)
    expect(numberFromText('1.2')).toBe(1.2)
    expect(numberFromText('13 022,48')).toBe(13022.48)
    expect(numberFromText('13\u00a0022,48 ₽')).toBe(13022.48)
    expect(numberFromText('13\u202f022.48')).toBe(13022.48)
    expect(numberFromText('-5')).toBe(-5)
    expect(numberFromText(7)).toBe(7)
    // not a number: left as typed for the server to name the field
    expect(numberFromText('1,2,3')).toBe('1,2,3')
    expect(numberFromText('дорого')).toBe('дорого')
  })

  it('the edit field shows money as «13 022,48» and decimals with a comma', () => {
    expect(editText(13022.48, true)).toMatch(/^13\s022,48$/)
    expect(editText(1.2, false)).toBe('1,2')
    expect(editText(null, true)).toBe('')
    expect(numberFromText(editText(13022.48, true))).toBe(13022.48)
  })
})
