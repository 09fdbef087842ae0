// How much one document request may hold — read by the server's body schema and by the client,
// which says so before generating — and the schedule's default year, which the client offers.

/** instruments in one document: each costs CPU and memory while the file is built */
export const MAX_DOCUMENT_ITEMS = 2000

/** ids left out of a "select all found" selection (bounded by the request body's size) */
export const MAX_EXCEPT_IDS = 100_000

/** The schedule's year when none is asked: next year in October–December, else this one. */
export function defaultScheduleYear(today: string): number {
  const year = Number(today.slice(0, 4))
  return Number(today.slice(5, 7)) >= 10 ? year + 1 : year
}
