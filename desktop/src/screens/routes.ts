// Screens other than the register, by hash route, with who may open them. An admin-only screen
// is absent for a laborant (its route shows "not available"; the server refuses its API anyway).
import type { Component } from 'svelte'

type Who = 'admin' | 'laborant' | 'all'

const routes: { path: string; who: Who; screen: Component<any> }[] = []

export function screenFor(route: string, isAdmin: boolean): Component<any> | null {
  const r = routes.find((x) => x.path === route)
  if (!r) return null
  return r.who === 'all' || (r.who === 'admin') === isAdmin ? r.screen : null
}

/** the «Админ-панель» menu, in the order of SPEC §5 */
export const ADMIN_SCREENS: { path: string; title: string }[] = []
