// Screens other than the register, by hash route, with who may open them. An admin-only screen
// is absent for a laborant (its route shows "not available"; the server refuses its API anyway).
import type { Component } from 'svelte'
import AnalyticsScreen from './AnalyticsScreen.svelte'
import ArchiveScreen from './ArchiveScreen.svelte'
import AuditScreen from './AuditScreen.svelte'
import BackupScreen from './BackupScreen.svelte'
import ContractsScreen from './ContractsScreen.svelte'
import MonitorScreen from './MonitorScreen.svelte'
import PinnedScreen from './PinnedScreen.svelte'
import SettingsScreen from './SettingsScreen.svelte'
import StatsScreen from './StatsScreen.svelte'
import UsersScreen from './UsersScreen.svelte'

type Who = 'admin' | 'all'

interface Route {
  path: string
  title: string
  who: Who
  screen: Component<any>
}

const routes: Route[] = [
  { path: '/archive', title: 'Архив (списано)', who: 'all', screen: ArchiveScreen },
  { path: '/stats', title: 'Статистика', who: 'all', screen: StatsScreen },
  { path: '/pinned', title: 'Закреплённые документы', who: 'all', screen: PinnedScreen },
  { path: '/analytics', title: 'Аналитика', who: 'admin', screen: AnalyticsScreen },
  { path: '/contracts', title: 'Баланс по договорам', who: 'admin', screen: ContractsScreen },
  { path: '/backup', title: 'Резервные копии', who: 'admin', screen: BackupScreen },
  { path: '/monitor', title: 'Монитор системы', who: 'admin', screen: MonitorScreen },
  { path: '/users', title: 'Пользователи', who: 'admin', screen: UsersScreen },
  { path: '/audit', title: 'Журнал аудита', who: 'admin', screen: AuditScreen },
  { path: '/settings', title: 'Настройки', who: 'admin', screen: SettingsScreen },
]

export function screenFor(route: string, isAdmin: boolean): Component<any> | null {
  const r = routes.find((x) => x.path === route)
  if (!r) return null
  return r.who === 'all' || isAdmin ? r.screen : null
}

/** the «Админ-панель» menu, in its fixed order */
export const ADMIN_SCREENS = routes.map(({ path, title }) => ({ path, title }))

export const titleOf = (route: string) => routes.find((r) => r.path === route)?.title ?? ''
