// The grid's columns as a user arranged them on this workstation: which are shown (grouped by
// section), their order and their widths, kept per user in local storage, with the defaults until
// the user changes something; «Сбросить» returns to the defaults.
import { fieldsFor, SECTIONS, type Field, type Section } from '../lib/fields.ts'

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

/** what is stored: { visible, order, widths } (an array alone is the older form: visible) */
interface Saved {
  visible?: unknown
  order?: unknown
  widths?: unknown
}

const MIN_WIDTH = 40
const MAX_WIDTH = 1200

export class ColumnPrefs {
  visible = $state.raw<string[]>([])
  /** the user's order of the columns (keys); empty: the default order */
  order = $state.raw<string[]>([])
  /** widths the user set, px */
  widths = $state.raw<Record<string, number>>({})
  readonly available: Field[]
  private storage: Store
  private username: string

  constructor(storage: Store, username: string, role: string) {
    this.storage = storage
    this.username = username
    this.available = fieldsFor(role)
    const allowed = new Set<string>(this.available.map((f) => f.key))
    const keys = (v: unknown) =>
      Array.isArray(v)
        ? v.filter((k): k is string => typeof k === 'string' && allowed.has(k))
        : null
    let saved: unknown = null
    try {
      saved = JSON.parse(storage.getItem(this.key) ?? 'null')
    } catch {
      /* damaged: defaults */
    }
    const s: Saved = Array.isArray(saved) ? { visible: saved } : ((saved as Saved | null) ?? {})
    this.visible = keys(s.visible) ?? this.defaults()
    this.order = keys(s.order) ?? []
    const widths: Record<string, number> = {}
    if (s.widths && typeof s.widths === 'object')
      for (const [k, v] of Object.entries(s.widths as Record<string, unknown>))
        if (allowed.has(k) && typeof v === 'number' && v >= MIN_WIDTH && v <= MAX_WIDTH)
          widths[k] = Math.round(v)
    this.widths = widths
  }

  private get key() {
    return `deltica.columns.${this.username}`
  }

  private defaults() {
    return this.available.filter((f) => f.defaultVisible).map((f) => f.key)
  }

  get bySection(): { section: Section; label: string; fields: Field[] }[] {
    return (Object.keys(SECTIONS) as Section[])
      .map((section) => ({
        section,
        label: SECTIONS[section],
        fields: this.available.filter((f) => f.section === section),
      }))
      .filter((g) => g.fields.length)
  }

  /** the default order: the canonical one, the status right after the instrument's identity */
  private rank(key: string): number {
    if (this.order.length) {
      const at = this.order.indexOf(key)
      if (at >= 0) return at
      return this.order.length + this.available.findIndex((f) => f.key === key)
    }
    return key === 'status' ? 1.5 : this.available.findIndex((f) => f.key === key)
  }

  /** visible fields in the user's order (or the default one) */
  get fields(): Field[] {
    const set = new Set(this.visible)
    return this.available
      .filter((f) => set.has(f.key))
      .sort((a, b) => this.rank(a.key) - this.rank(b.key))
  }

  /** the width of a column: the user's or the field's own */
  widthOf = (field: Field) => this.widths[field.key] ?? field.width ?? 130

  isVisible = (key: string) => this.visible.includes(key)

  toggle(key: string) {
    this.set(this.isVisible(key) ? this.visible.filter((k) => k !== key) : [...this.visible, key])
  }

  setSection(section: Section, on: boolean) {
    const keys: string[] = this.available.filter((f) => f.section === section).map((f) => f.key)
    this.set(
      on ? [...new Set([...this.visible, ...keys])] : this.visible.filter((k) => !keys.includes(k)),
    )
  }

  /** a column dragged to a new width */
  setWidth(key: string, width: number) {
    if (!this.available.some((f) => f.key === key)) return
    const w = Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, width)))
    if (this.widths[key] === w) return
    this.widths = { ...this.widths, [key]: w }
    this.save()
  }

  /** the visible columns in their new order (a header dragged) */
  setOrder(keys: string[]) {
    const allowed = new Set<string>(this.available.map((f) => f.key))
    const next = keys.filter((k) => allowed.has(k))
    // hidden columns keep their place after the visible ones
    for (const k of this.order) if (!next.includes(k)) next.push(k)
    if (next.join() === this.order.join()) return
    this.order = next
    this.save()
  }

  /** «Сбросить»: the default columns, order and widths */
  reset() {
    this.storage.removeItem(this.key)
    this.visible = this.defaults()
    this.order = []
    this.widths = {}
  }

  private set(keys: string[]) {
    if (keys.length === 0) return // at least one column stays
    this.visible = keys
    this.save()
  }

  private save() {
    this.storage.setItem(
      this.key,
      JSON.stringify({ visible: this.visible, order: this.order, widths: this.widths }),
    )
  }
}
