// Rows read as arrays (postgres.js `.values()`) written as a JSON array of objects in one pass.
// The same text JSON.stringify gives for the row objects (values as the pool's type parsers left
// them: strings, numbers, booleans, null), without building an object per row first — for a page
// of 100 rows of 30+ columns that object work was most of the list's CPU.

/** `{"a":`, `,"b":`, … for a column list, kept per list (the lists are a few fixed arrays). */
const prefixes = new WeakMap<readonly string[], string[]>()

function prefixesOf(columns: readonly string[]): string[] {
  let keys = prefixes.get(columns)
  if (!keys) {
    keys = columns.map((c, i) => (i ? ',' : '{') + JSON.stringify(c) + ':')
    prefixes.set(columns, keys)
  }
  return keys
}

function value(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null'
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  return JSON.stringify(v)
}

/**
 * `rows` as a JSON array of objects named by `columns`; each row's values from index `skip` on
 * (earlier values are the statement's own, e.g. a version read with the page).
 */
export function rowsJson(columns: readonly string[], rows: readonly unknown[][], skip = 0): string {
  const keys = prefixesOf(columns)
  let out = '['
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]
    if (r) out += ','
    for (let i = 0; i < keys.length; i++) out += keys[i] + value(row[skip + i])
    out += '}'
  }
  return out + ']'
}
