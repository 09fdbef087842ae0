// The grid's selection: ticked ids, or «every row the query finds» (the query itself) less the
// rows unticked since. A selection by query survives scrolling and paging at any size without
// loading a row: a row is selected when its id is not among the exceptions. Documents take it
// as {equipment_ids} or {filter, except_ids}; a selection by query belongs to the query it was
// made with (a new search or filter drops it; a new sort keeps it and orders the documents).
import { MAX_DOCUMENT_ITEMS } from '@shared/document-limits.ts'
import type { Api, Query } from '../lib/api.ts'
import { equipmentApi } from '../lib/api/equipment.ts'

export type SelectionBody = { equipment_ids: number[] } | { filter: Query; except_ids: number[] }

/** the query without empty values (as the query string would carry it) */
export function compactQuery(q: Query): Query {
  return Object.fromEntries(
    Object.entries(q).filter(
      ([, v]) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && !v.length),
    ),
  )
}

/** what a query selects, whatever its order */
const rowsKey = (q: Query) => {
  const { sort: _s, order: _o, ...rest } = compactQuery(q)
  return JSON.stringify(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b)))
}

export class Selection {
  /** by ids: the ticked ids (in the order ticked); by query: the ids unticked since */
  private marked = $state.raw(new Set<number>())
  /** the query of «Выбрать все найденные», or null when ids were ticked one by one */
  filter = $state.raw<Query | null>(null)
  /** how many rows that query finds */
  found = $state(0)
  /** bumps on every change, so the grid repaints its checkboxes */
  revision = $state(0)

  get byQuery(): boolean {
    return this.filter !== null
  }

  get count(): number {
    return this.filter ? Math.max(0, this.found - this.marked.size) : this.marked.size
  }

  /** every row the query finds, none unticked */
  get allFound(): boolean {
    return this.filter !== null && this.marked.size === 0 && this.found > 0
  }

  get tooManyForDocuments(): boolean {
    return this.count > MAX_DOCUMENT_ITEMS
  }

  has(id: number): boolean {
    return this.filter ? !this.marked.has(id) : this.marked.has(id)
  }

  set(id: number, on: boolean) {
    this.setMany([id], on)
  }

  setMany(ids: Iterable<number>, on: boolean) {
    const next = new Set(this.marked)
    const mark = this.filter ? !on : on
    for (const id of ids) {
      if (mark) next.add(id)
      else next.delete(id)
    }
    this.marked = next
    this.revision++
  }

  selectAllFound(query: Query, found: number) {
    this.filter = compactQuery(query)
    this.found = found
    this.marked = new Set()
    this.revision++
  }

  clear() {
    this.filter = null
    this.found = 0
    this.marked = new Set()
    this.revision++
  }

  /**
   * The register was reloaded with `query`: a selection by another query is dropped (it named
   * other rows); under the same query the count follows what the server finds now.
   */
  follow(query: Query, found: number) {
    if (!this.filter) return
    if (rowsKey(query) !== rowsKey(this.filter)) return this.clear()
    this.filter = compactQuery(query)
    this.found = found
  }

  /** the selection as the documents API takes it */
  body(): SelectionBody {
    return this.filter
      ? { filter: this.filter, except_ids: [...this.marked] }
      : { equipment_ids: [...this.marked] }
  }

  /**
   * The selected ids, for actions that take one id at a time (archiving). A selection by query is
   * read from the list a thousand ids a page, at most `max` of them.
   */
  async ids(api: Api, max = MAX_DOCUMENT_ITEMS): Promise<number[]> {
    if (!this.filter) return [...this.marked]
    if (this.count > max)
      throw new Error(
        `Выбрано ${this.count.toLocaleString('ru-RU')} — за один раз не больше ${max.toLocaleString('ru-RU')}`,
      )
    const ids: number[] = []
    const PAGE = 1000
    for (let offset = 0; offset < this.found; offset += PAGE) {
      const page = await equipmentApi(api).list({ ...this.filter, limit: PAGE, offset })
      for (const row of page.items) if (!this.marked.has(row.id)) ids.push(row.id)
      if (page.items.length < PAGE) break
    }
    return ids
  }
}
