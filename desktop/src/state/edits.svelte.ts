// Admin edits in the grid: each change saved with the row's `version` (PATCH /api/equipment/:id),
// a version conflict reported with who changed the record and the row reloaded from the server's
// copy, the cells the server refused (its field issues) marked until saved, and Ctrl+Z undoing
// the last 10 saved edits (an edit = one cell or one pasted range). The server's non-blocking
// warnings on a saved edit (a duplicate inventory number) become a yellow notice.
// Saves and undos run one after another: a second Ctrl+Z pressed while the first is still on
// the wire must send the version the first one produced, not the one before it.
import { ApiError, isUnreachable, type Api } from '../lib/api.ts'
import { equipmentApi } from '../lib/api/equipment.ts'
import { fieldErrors } from '../lib/field-errors.ts'
import { whoAndWhen } from '../lib/stale.ts'
import type { Register } from './register.svelte.ts'

export interface CellChange {
  id: number
  field: string
  value: unknown
}

interface Undoable {
  id: number
  field: string
  before: unknown
  after: unknown
}

export type Notice = { kind: 'ok' | 'warning' | 'error' | 'conflict'; text: string } | null

export const UNDO_DEPTH = 10

export class Edits {
  undoStack = $state.raw<Undoable[][]>([])
  notice = $state.raw<Notice>(null)
  saving = $state(false)
  /** cells the server refused: "id:field" → its message */
  invalid = $state.raw(new Map<string, string>())

  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    private api: Api,
    private register: Register,
  ) {}

  /** Runs `work` after every save or undo queued before it. */
  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work)
    this.queue = next.catch(() => {})
    return next
  }

  /** Save changes (grouped per record). Returns true when every record was saved. */
  save(changes: CellChange[], record = true): Promise<boolean> {
    return this.enqueue(() => this.saveNow(changes, record))
  }

  private async saveNow(changes: CellChange[], record: boolean): Promise<boolean> {
    const byId = new Map<number, CellChange[]>()
    for (const c of changes) byId.set(c.id, [...(byId.get(c.id) ?? []), c])
    const done: Undoable[] = []
    const warned: string[] = []
    let allSaved = true
    this.saving = true
    try {
      for (const [id, list] of byId) {
        const row = this.register.byId(id)
        if (!row) continue
        const patch: Record<string, unknown> = { version: row.version }
        for (const c of list) patch[c.field] = c.value
        const before = Object.fromEntries(list.map((c) => [c.field, row[c.field]]))
        try {
          const saved = await equipmentApi(this.api).patch(id, patch)
          this.register.applyRow(saved?.id ? saved : await equipmentApi(this.api).record(id))
          for (const w of warningsOf(saved)) warned.push(`№${id}: ${w}`)
          for (const c of list)
            done.push({ id, field: c.field, before: before[c.field], after: c.value })
          this.markInvalid(
            id,
            list.map((c) => c.field),
            {},
          )
        } catch (error) {
          allSaved = false
          this.report(error, id)
          if (error instanceof ApiError && error.status === 400)
            this.markInvalid(
              id,
              list.map((c) => c.field),
              fieldErrors(
                error,
                list.map((c) => c.field),
              ).byField,
            )
          if (error instanceof ApiError && error.status === 409) {
            const current = error.body.current as Record<string, unknown> | undefined
            this.register.applyRow(current?.id ? current : await equipmentApi(this.api).record(id))
          }
        }
      }
    } finally {
      this.saving = false
    }
    if (record && done.length) this.undoStack = [...this.undoStack, done].slice(-UNDO_DEPTH)
    if (allSaved && done.length)
      this.notice = warned.length
        ? {
            kind: 'warning',
            text: `Сохранено: ${done.length} ${cells(done.length)}. Обратите внимание — ${warned.join('; ')}`,
          }
        : { kind: 'ok', text: `Сохранено: ${done.length} ${cells(done.length)}` }
    return allSaved
  }

  /** the cells of `fields` on record `id`: marked with their message, or cleared */
  private markInvalid(id: number, fields: string[], messages: Record<string, string>) {
    const next = new Map(this.invalid)
    for (const field of fields) {
      if (messages[field]) next.set(`${id}:${field}`, messages[field])
      else next.delete(`${id}:${field}`)
    }
    if (next.size !== this.invalid.size || Object.keys(messages).length) this.invalid = next
  }

  private report(error: unknown, id: number) {
    if (error instanceof ApiError && error.status === 409) {
      const who = whoAndWhen(error.body)
      this.notice = {
        kind: 'conflict',
        text: `Запись №${id} уже изменена другим пользователем${who ? ` (${who})` : ''}. Строка обновлена — проверьте и повторите правку.`,
      }
    } else if (isUnreachable(error)) {
      this.notice = { kind: 'error', text: 'Нет связи с сервером — правка не сохранена' }
    } else if (error instanceof ApiError) {
      const detail = fieldErrors(error, []).rest
      this.notice = { kind: 'error', text: detail ? `${error.message}: ${detail}` : error.message }
    } else {
      this.notice = { kind: 'error', text: 'Не удалось сохранить изменение' }
    }
  }

  get canUndo() {
    return this.undoStack.length > 0
  }

  /** Undo the last saved edit (restores the previous values, saved with the current version). */
  async undo(): Promise<boolean> {
    const last = this.undoStack.at(-1)
    if (!last) return false
    // taken off the stack now, so a second Ctrl+Z right away undoes the edit before it
    this.undoStack = this.undoStack.slice(0, -1)
    const ok = await this.save(
      last.map((u) => ({ id: u.id, field: u.field, value: u.before })),
      false,
    )
    if (ok) this.notice = { kind: 'ok', text: 'Изменение отменено' }
    return ok
  }
}

/** the messages of the server's warnings in a saved record's answer */
function warningsOf(saved: Record<string, unknown> | null | undefined): string[] {
  const list = saved?.warnings
  if (!Array.isArray(list)) return []
  return list.flatMap((w) =>
    w && typeof w === 'object' && typeof (w as { message?: unknown }).message === 'string'
      ? [(w as { message: string }).message]
      : [],
  )
}

const cells = (n: number) =>
  n % 10 === 1 && n % 100 !== 11
    ? 'ячейка'
    : [2, 3, 4].includes(n % 10) && ![12, 13, 14].includes(n % 100)
      ? 'ячейки'
      : 'ячеек'
