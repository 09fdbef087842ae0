// The main grid's data: the query (search, quick tags, filters, sort) and the rows, fetched from
// GET /api/equipment a page at a time as the grid scrolls. `rows` always has `total` entries;
// pages not yet loaded are placeholders that are filled in place, so the grid's virtual scroll
// spans the whole register while only the visible pages travel. When the server cannot be
// reached the rows already shown stay (never an empty register that is not empty); the selection
// (state/selection) follows the query.
import { LIST_FILTERS, type FilterParam } from '@shared/filters.ts'
import { isAborted, isUnreachable, type Api, type Query } from '../lib/api.ts'
import { equipmentApi } from '../lib/api/equipment.ts'
import { Selection } from './selection.svelte.ts'

export type Row = Record<string, unknown> & { id?: number; version?: number; __i: number }

/** the codes chosen per filter of the shared table (domain/shared/filters.ts), then the ranges */
export type Filters = Record<FilterParam, string[]> & {
  due_from: string
  due_to: string
  plan_from: string
  plan_to: string
  /** verified (current or an earlier cycle) within these dates — set from the statistics screen */
  verified_from: string
  verified_to: string
}

export const emptyFilters = (): Filters => ({
  ...(Object.fromEntries(LIST_FILTERS.map((f) => [f.param, [] as string[]])) as Record<
    FilterParam,
    string[]
  >),
  due_from: '',
  due_to: '',
  plan_from: '',
  plan_to: '',
  verified_from: '',
  verified_to: '',
})

export interface Sort {
  field: string
  order: 'asc' | 'desc'
}

export const PAGE_SIZE = 100

export class Register {
  q = $state('')
  filters = $state<Filters>(emptyFilters())
  sort = $state.raw<Sort | null>(null)
  total = $state(0)
  rows = $state.raw<Row[]>([])
  /** bumps when loaded rows change in place, so the grid repaints */
  revision = $state(0)
  loading = $state(false)
  error = $state<string | null>(null)
  /** a first answer has come: `total` and `rows` are the server's, not a blank start */
  loaded = $state(false)
  readonly selection = new Selection()

  private pages = new Map<number, Promise<void>>()
  /** page requests still on their way, to cancel when the grid has scrolled past them */
  private inflight = new Map<number, AbortController>()
  private generation = 0

  constructor(
    private api: Api,
    readonly pageSize = PAGE_SIZE,
  ) {}

  /** number of active filters (the drawer's badge) */
  get activeFilters(): number {
    const f = this.filters
    return (
      // the status is the quick tags', not the drawer's
      LIST_FILTERS.filter((x) => x.param !== 'status' && f[x.param].length).length +
      [f.due_from || f.due_to, f.plan_from || f.plan_to, f.verified_from || f.verified_to].filter(
        Boolean,
      ).length
    )
  }

  /** no search, quick tag or filter: an empty answer means an empty register */
  get unfiltered(): boolean {
    return !this.q.trim() && !this.filters.status.length && this.activeFilters === 0
  }

  params(): Query {
    const f = this.filters
    return {
      q: this.q.trim(),
      ...Object.fromEntries(LIST_FILTERS.map((x) => [x.param, f[x.param]])),
      due_from: f.due_from,
      due_to: f.due_to,
      plan_from: f.plan_from,
      plan_to: f.plan_to,
      verified_from: f.verified_from,
      verified_to: f.verified_to,
      sort: this.sort?.field,
      order: this.sort?.order,
    }
  }

  /** Start over with the current query: total and the first page. */
  async reload(): Promise<void> {
    const generation = ++this.generation
    this.pages.clear()
    for (const c of this.inflight.values()) c.abort()
    this.inflight.clear()
    this.loading = true
    this.error = null
    try {
      const first = await this.fetchPage(0)
      if (generation !== this.generation) return
      this.total = first.total
      const rows: Row[] = new Array(first.total)
      for (let i = 0; i < first.total; i++) rows[i] = { __i: i }
      this.rows = rows
      this.fill(0, first.items)
      this.pages.set(0, Promise.resolve())
      this.loaded = true
      this.selection.follow(this.params(), first.total)
    } catch (error) {
      if (generation !== this.generation) return
      // unreachable: what is shown stays (the offline banner says why); a refused query is said
      if (isUnreachable(error)) return
      this.error = (error as Error).message
      this.total = 0
      this.rows = []
    } finally {
      if (generation === this.generation) this.loading = false
    }
  }

  private fetchPage(page: number, signal?: AbortSignal) {
    return equipmentApi(this.api).list(
      { ...this.params(), limit: this.pageSize, offset: page * this.pageSize },
      signal,
    )
  }

  private fill(page: number, items: Record<string, unknown>[]) {
    const start = page * this.pageSize
    items.forEach((item, k) => {
      const row = this.rows[start + k]
      if (row) Object.assign(row, item)
    })
    this.revision++
  }

  /** Make sure rows [from, to) are loaded (the grid's visible range plus a margin). */
  ensure(from: number, to: number): Promise<void> {
    const [first, last] = this.pageRange(from, to)
    const waits: Promise<void>[] = []
    for (let page = first; page <= last; page++) {
      let pending = this.pages.get(page)
      if (!pending) {
        const generation = this.generation
        const controller = new AbortController()
        this.inflight.set(page, controller)
        const done = () => {
          if (this.inflight.get(page) === controller) this.inflight.delete(page)
        }
        pending = this.fetchPage(page, controller.signal).then(
          (result) => {
            done()
            if (generation === this.generation) this.fill(page, result.items)
          },
          (error) => {
            done()
            if (generation !== this.generation) return
            if (this.pages.get(page) === pending) this.pages.delete(page)
            if (!isUnreachable(error) && !isAborted(error)) this.error = (error as Error).message
          },
        )
        this.pages.set(page, pending)
      }
      waits.push(pending)
    }
    return Promise.all(waits).then(() => undefined)
  }

  /**
   * The grid scrolled to rows [from, to): requests for pages outside them are cancelled (a fast
   * scroll through 100,000 rows would otherwise queue dozens of pages ahead of the visible one),
   * then the visible pages are loaded.
   */
  show(from: number, to: number): Promise<void> {
    const [first, last] = this.pageRange(from, to)
    for (const [page, controller] of this.inflight) {
      if (page >= first && page <= last) continue
      controller.abort()
      this.inflight.delete(page)
      this.pages.delete(page)
    }
    return this.ensure(from, to)
  }

  private pageRange(from: number, to: number): [number, number] {
    const first = Math.max(0, Math.floor(from / this.pageSize))
    const last = Math.min(
      Math.ceil(this.total / this.pageSize) - 1,
      Math.floor((to - 1) / this.pageSize),
    )
    return [first, last]
  }

  isLoaded(index: number) {
    return this.rows[index]?.id !== undefined
  }

  /** the ids of rows [from, to] (inclusive, either order), loading their pages first */
  async idsBetween(from: number, to: number): Promise<number[]> {
    const [a, b] = from <= to ? [from, to] : [to, from]
    // a page cancelled meanwhile by a scroll is asked for again
    for (let attempt = 0; attempt < 3; attempt++) {
      await this.ensure(a, b + 1)
      let complete = true
      for (let i = a; i <= b && complete; i++) complete = this.isLoaded(i)
      if (complete) break
    }
    const ids: number[] = []
    for (let i = a; i <= b; i++) {
      const id = this.rows[i]?.id
      if (id !== undefined) ids.push(id)
    }
    return ids
  }

  byId(id: number): Row | undefined {
    return this.rows.find((r) => r.id === id)
  }

  /** A saved or reloaded record replaces the loaded row with the same id. */
  applyRow(record: Record<string, unknown>) {
    const row = this.byId(Number(record.id))
    if (!row) return
    for (const key of Object.keys(row)) if (key !== '__i' && !(key in record)) delete row[key]
    Object.assign(row, record)
    this.revision++
  }

  setSort(field: string | null, order: 'asc' | 'desc' = 'asc') {
    this.sort = field ? { field, order } : null
    return this.reload()
  }

  toggleStatus(status: string) {
    const s = this.filters.status
    this.filters.status = s.includes(status) ? s.filter((x) => x !== status) : [...s, status]
    return this.reload()
  }

  resetFilters() {
    this.filters = emptyFilters()
    this.q = ''
    return this.reload()
  }
}
