// The one search semantics of every list (docs/api-conventions.md): `q` is split into words
// (at most 10, case-insensitive); a row matches when EVERY word is a substring of its searchable
// text. LIKE wildcards typed by the user (% _ \) are escaped here and nowhere else.
import type { PendingQuery, Row } from 'postgres'
import type { Sql } from '../runtime/db.ts'

type Fragment = PendingQuery<Row[]>

const MAX_WORDS = 10

/** The search's words, lower-cased (at most 10). */
export function searchWords(q: string | undefined): string[] {
  if (!q) return []
  return q.toLowerCase().split(/\s+/).filter(Boolean).slice(0, MAX_WORDS)
}

/** `%word%` with the user's LIKE wildcards escaped (the default escape character, \). */
export const likePattern = (word: string) => `%${word.replace(/[\\%_]/g, (c) => '\\' + c)}%`

/** One condition per word: the lower-cased `text` contains it. */
export function wordsIn(sql: Sql, text: Fragment, q: string | undefined): Fragment[] {
  return searchWords(q).map((w) => sql`lower(${text}) like ${likePattern(w)}`)
}
