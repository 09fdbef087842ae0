// In-app questions (Electron has no prompt/confirm/alert): a request is put on the stack and
// answered by the dialog the host renders for it (components/DialogHost.svelte); the caller
// awaits the answer. Closing a dialog without answering gives the request's `cancel` value.

export type UnsavedChoice = 'save' | 'discard' | 'cancel'

interface Base<K extends string, T> {
  id: number
  kind: K
  cancel: T
  resolve: (value: T) => void
}

export type DialogRequest =
  | (Base<'confirm', boolean> & {
      title: string
      text: string
      confirm: string
      danger: boolean
    })
  | (Base<'unsaved', UnsavedChoice> & { text: string })
  | (Base<'archive', string | null> & { title: string; text: string })
  | (Base<'password', string | null> & { username: string })
  | (Base<'choice', string | null> & { title: string; text: string; options: ChoiceOption[] })

/** one button of a choice; the primary one is the default (Enter) */
export interface ChoiceOption {
  value: string
  label: string
  primary?: boolean
}

type Without<R> = R extends unknown ? Omit<R, 'id' | 'resolve' | 'cancel'> : never

export class Dialogs {
  open = $state.raw<DialogRequest[]>([])
  private nextId = 1

  private push<T>(request: Without<DialogRequest>, cancel: T): Promise<T> {
    return new Promise<T>((resolve) => {
      const full = { ...request, id: this.nextId++, cancel, resolve } as unknown as DialogRequest
      this.open = [...this.open, full]
    })
  }

  /** resolves the request with `value` and takes its dialog away */
  answer<R extends DialogRequest>(request: R, value: Parameters<R['resolve']>[0]) {
    if (!this.open.includes(request)) return
    this.open = this.open.filter((r) => r !== request)
    ;(request.resolve as (v: unknown) => void)(value)
  }

  /** closed without an answer (Esc, ×, the backdrop, «Отмена») */
  dismiss(request: DialogRequest) {
    this.answer(request, request.cancel as never)
  }

  /** a yes/no question («Удалить файл?»): true when confirmed */
  ask(o: { title: string; text: string; confirm?: string; danger?: boolean }) {
    return this.push<boolean>(
      { kind: 'confirm', confirm: o.confirm ?? 'Да', danger: o.danger ?? false, ...o },
      false,
    )
  }

  /** «Сохранить изменения?» — Сохранить / Не сохранять / Отмена */
  unsaved(text = 'Изменения в карточке не сохранены.') {
    return this.push<UnsavedChoice>({ kind: 'unsaved', text }, 'cancel')
  }

  /** the reason of archiving, chosen from the list or typed; null when cancelled */
  archiveReason(o: { title: string; text: string }) {
    return this.push<string | null>({ kind: 'archive', ...o }, null)
  }

  /** one of several answers («Заполнить» / «Сформировать без них»); null when cancelled */
  choose(o: { title: string; text: string; options: ChoiceOption[] }) {
    return this.push<string | null>({ kind: 'choice', ...o }, null)
  }

  /** a new password for a user (the admin's reset); null when cancelled */
  newPassword(username: string) {
    return this.push<string | null>({ kind: 'password', username }, null)
  }
}
