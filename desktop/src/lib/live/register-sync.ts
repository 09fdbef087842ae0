// The register follows the live events: a changed row loaded in the grid is read again and
// replaced in place (scroll, selection and the open card stay); a row that appears or goes
// (created, added, archived, restored, removed, deleted) reloads the register's pages and total,
// and the header counters and the attention banner refresh — both debounced, so a bulk import
// is one reload, not thousands. A row whose cell this user is editing is left alone while the
// editor is open (`editing` says which; `onEditedElsewhere` tells the user): Esc then brings the
// new values, Enter saves against the old version and gets the usual conflict notice.
import type { Api } from '../api.ts'
import type { Register } from '../../state/register.svelte.ts'
import type { LiveEvent, LiveMessage } from './stream.svelte.ts'

const MEMBERSHIP = new Set(['created', 'added', 'archived', 'restored', 'removed', 'deleted'])
export const LIVE_DEBOUNCE_MS = 300

export interface Editing {
  /** the id of the row whose cell editor is open, if any */
  editingId: () => number | undefined
  onEditedElsewhere: (event: LiveEvent) => void
}

export function followRegister(
  api: Api,
  register: Register,
  refreshCounters: () => void,
  editing?: Editing,
): (m: LiveMessage) => void {
  const apply = (id: number) =>
    api
      .get<Record<string, unknown>>(`/api/equipment/${id}`)
      .then((record) => register.applyRow(record))
      .catch(() => {})
  /** the editor of row `id` is open: apply once it has closed */
  const afterEditor = (id: number) => {
    const wait = setInterval(() => {
      if (editing?.editingId() === id) return
      clearInterval(wait)
      void apply(id)
    }, 250)
  }
  let reloadTimer: ReturnType<typeof setTimeout> | undefined
  let countersTimer: ReturnType<typeof setTimeout> | undefined
  const later = (timer: typeof reloadTimer, fn: () => void) => {
    clearTimeout(timer)
    return setTimeout(fn, LIVE_DEBOUNCE_MS)
  }
  return (m) => {
    countersTimer = later(countersTimer, refreshCounters)
    if (m.type === 'reset' || MEMBERSHIP.has(m.event.kind)) {
      reloadTimer = later(reloadTimer, () => void register.reload())
      return
    }
    const e = m.event
    const row = register.byId(e.equipment_id)
    if (!row || (e.version !== null && Number(row.version) >= e.version)) return
    if (editing && editing.editingId() === e.equipment_id) {
      editing.onEditedElsewhere(e)
      afterEditor(e.equipment_id)
      return
    }
    void apply(e.equipment_id)
  }
}
