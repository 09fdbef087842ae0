// The register follows the live events: a changed row loaded in the grid is read again and
// replaced in place (scroll, selection and the open card stay); a row that appears or goes
// (created, added, archived, restored, removed, deleted) reloads the register's pages and total,
// and the header counters and the attention banner refresh — both debounced, so a bulk import
// is one reload, not thousands.
import type { Api } from '../api.ts'
import type { Register } from '../../state/register.svelte.ts'
import type { LiveMessage } from './stream.svelte.ts'

const MEMBERSHIP = new Set(['created', 'added', 'archived', 'restored', 'removed', 'deleted'])
export const LIVE_DEBOUNCE_MS = 300

export function followRegister(
  api: Api,
  register: Register,
  refreshCounters: () => void,
): (m: LiveMessage) => void {
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
    api
      .get<Record<string, unknown>>(`/api/equipment/${e.equipment_id}`)
      .then((record) => register.applyRow(record))
      .catch(() => {})
  }
}
