// The columns a user chose for the grid, grouped by section, kept per user in local storage
// (this workstation), with the section's defaults until the user chooses.
import { fieldsFor, SECTIONS, type Field, type Section } from '../lib/fields.ts'

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

export class ColumnPrefs {
  visible = $state.raw<string[]>([])
  readonly available: Field[]

  constructor(
    private storage: Store,
    private username: string,
    role: string,
  ) {
    this.available = fieldsFor(role)
    const allowed = new Set(this.available.map((f) => f.key))
    let saved: unknown = null
    try {
      saved = JSON.parse(storage.getItem(this.key) ?? 'null')
    } catch {
      /* damaged: defaults */
    }
    this.visible = Array.isArray(saved)
      ? saved.filter((k): k is string => typeof k === 'string' && allowed.has(k))
      : this.defaults()
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

  /** visible fields in the canonical order */
  get fields(): Field[] {
    const set = new Set(this.visible)
    return this.available.filter((f) => set.has(f.key))
  }

  isVisible = (key: string) => this.visible.includes(key)

  toggle(key: string) {
    this.set(this.isVisible(key) ? this.visible.filter((k) => k !== key) : [...this.visible, key])
  }

  setSection(section: Section, on: boolean) {
    const keys = this.available.filter((f) => f.section === section).map((f) => f.key)
    this.set(
      on ? [...new Set([...this.visible, ...keys])] : this.visible.filter((k) => !keys.includes(k)),
    )
  }

  reset() {
    this.storage.removeItem(this.key)
    this.visible = this.defaults()
  }

  private set(keys: string[]) {
    if (keys.length === 0) return // at least one column stays
    this.visible = keys
    this.storage.setItem(this.key, JSON.stringify(keys))
  }
}
