import { describe, expect, it } from 'vitest'
import { rowsJson } from './json-rows.ts'

describe('rowsJson', () => {
  const columns = ['id', 'name', 'cost', 'ok', 'due', 'note'] as const
  const objects = [
    { id: 1, name: 'Манометр "ДМ-2010"\n\\ \u2028', cost: 5200.5, ok: true, due: '2027-01-31', note: null },
    { id: 2, name: '', cost: 0, ok: false, due: null, note: 'a\u0000b\ud800' },
    { id: 3, name: 'x', cost: -1e-7, ok: null, due: '2026-12-03', note: '😀' },
  ]
  const arrays = objects.map((o) => columns.map((c) => o[c]))

  it('writes the text JSON.stringify gives for the row objects', () => {
    expect(rowsJson(columns, arrays)).toBe(JSON.stringify(objects))
    expect(JSON.parse(rowsJson(columns, arrays))).toEqual(objects)
  })

  it('skips the statement’s own leading values', () => {
    const withVersion = arrays.map((a) => ['17', '2026-12-03', ...a])
    expect(rowsJson(columns, withVersion, 2)).toBe(JSON.stringify(objects))
  })

  it('an empty page is an empty array; a number that JSON cannot hold is null', () => {
    expect(rowsJson(columns, [])).toBe('[]')
    expect(rowsJson(['n'], [[Number.NaN], [Infinity]])).toBe('[{"n":null},{"n":null}]')
  })
})
