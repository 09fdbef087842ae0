// Layers over the page — dialogs, drawers, menus — kept on one stack, the newest on top. Esc
// closes only the top layer. A modal layer takes the focus in, keeps Tab inside and gives the
// focus back to where it was when it closes; a menu (not modal) closes on Esc, on Tab out and
// on a click outside it. Used as Svelte actions: use:layer={{ close }}, use:menu={{ close }}.

interface Layer {
  node: HTMLElement
  close: () => void
  modal: boolean
  restore: HTMLElement | null
}

const stack: Layer[] = []
let installed = false

const FOCUSABLE = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type=hidden])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  '[tabindex]:not([tabindex="-1"])',
].join(',')

/** the elements of `node` that Tab reaches, in order */
export function focusables(node: HTMLElement): HTMLElement[] {
  return [...node.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) => el.getClientRects().length > 0 && !el.closest('[inert]'),
  )
}

export const topLayer = (): HTMLElement | null => stack.at(-1)?.node ?? null

function onKeydown(event: KeyboardEvent) {
  const top = stack.at(-1)
  if (!top) return
  if (event.key === 'Escape' && !event.defaultPrevented) {
    event.preventDefault()
    event.stopPropagation()
    top.close()
  } else if (event.key === 'Tab' && top.modal) {
    const items = focusables(top.node)
    if (items.length === 0) return event.preventDefault()
    const first = items[0]
    const last = items.at(-1)!
    const active = document.activeElement
    if (event.shiftKey && (active === first || !top.node.contains(active))) {
      event.preventDefault()
      last.focus()
    } else if (!event.shiftKey && (active === last || !top.node.contains(active))) {
      event.preventDefault()
      first.focus()
    }
  }
}

/** focus that escapes a modal layer (a click on the page behind, a script) is taken back */
function onFocusIn(event: FocusEvent) {
  const top = stack.findLast((l) => l.modal)
  const target = event.target as Node | null
  if (!top || !target || top.node.contains(target)) return
  // a layer above the modal one (a menu opened from a dialog) may hold the focus
  if (stack.slice(stack.indexOf(top) + 1).some((l) => l.node.contains(target))) return
  focusInto(top.node)
}

function focusInto(node: HTMLElement) {
  const wanted = node.querySelector<HTMLElement>('[data-autofocus]')
  const target = wanted && !(wanted as HTMLButtonElement).disabled ? wanted : focusables(node)[0]
  ;(target ?? node).focus()
}

function install() {
  if (installed) return
  installed = true
  window.addEventListener('keydown', onKeydown, true)
  document.addEventListener('focusin', onFocusIn)
}

export interface LayerOptions {
  close: () => void
  /** false for menus and popovers: no focus trap */
  modal?: boolean
}

export function layer(node: HTMLElement, options: LayerOptions) {
  install()
  const entry: Layer = {
    node,
    close: options.close,
    modal: options.modal ?? true,
    restore: document.activeElement instanceof HTMLElement ? document.activeElement : null,
  }
  stack.push(entry)
  // stacked above the layers opened before it
  node.style.zIndex = String(40 + stack.length * 5)
  if (entry.modal) {
    if (!node.hasAttribute('tabindex')) node.tabIndex = -1
    queueMicrotask(() => {
      if (!node.contains(document.activeElement)) focusInto(node)
    })
  }
  return {
    update(next: LayerOptions) {
      entry.close = next.close
    },
    destroy() {
      const at = stack.indexOf(entry)
      if (at >= 0) stack.splice(at, 1)
      const active = document.activeElement
      const lost = !active || active === document.body || node.contains(active)
      if (lost && entry.restore?.isConnected) entry.restore.focus()
    },
  }
}

const ITEMS = '[role=menuitem], [role=menuitemradio], [role=menuitemcheckbox]'

/**
 * A dropdown menu: a non-modal layer whose items move with the arrow keys (Home/End too), the
 * first item focused on opening; Esc, Tab or a click outside (except on its own button) closes it.
 */
export function menu(node: HTMLElement, options: { close: () => void }) {
  let close = options.close
  const inner = layer(node, { close: () => close(), modal: false })
  const items = () =>
    [...node.querySelectorAll<HTMLElement>(ITEMS)].filter((el) => el.getClientRects().length)
  for (const item of items()) if (!item.hasAttribute('tabindex')) item.tabIndex = -1
  queueMicrotask(() => items()[0]?.focus())

  function onKey(event: KeyboardEvent) {
    const list = items()
    if (!list.length) return
    if ((event.target as HTMLElement).matches('input, select, textarea')) return
    const at = list.indexOf(document.activeElement as HTMLElement)
    const moves: Record<string, number> = {
      ArrowDown: (at + 1) % list.length,
      ArrowUp: (at - 1 + list.length) % list.length,
      Home: 0,
      End: list.length - 1,
    }
    if (event.key in moves) {
      event.preventDefault()
      list[moves[event.key]].focus()
    } else if (event.key === 'Tab') close()
  }
  const trigger = node.parentElement
  function onPointer(event: PointerEvent) {
    const target = event.target as Node
    if (!node.contains(target) && !trigger?.contains(target)) close()
  }
  node.addEventListener('keydown', onKey)
  document.addEventListener('pointerdown', onPointer, true)
  return {
    update(next: { close: () => void }) {
      close = next.close
    },
    destroy() {
      node.removeEventListener('keydown', onKey)
      document.removeEventListener('pointerdown', onPointer, true)
      inner.destroy()
    },
  }
}
