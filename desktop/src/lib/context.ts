// What every screen needs, handed down through Svelte's context: the API client, the session,
// the link to the server, the in-app dialogs, the department labels and the settings.
import { getContext, setContext } from 'svelte'
import type { Api } from './api.ts'
import type { Connection } from '../state/connection.svelte.ts'
import type { Dialogs } from '../state/dialogs.svelte.ts'
import type { Session } from '../state/session.svelte.ts'

export interface AppContext {
  api: Api
  session: Session
  connection: Connection
  dialogs: Dialogs
  departments: () => Record<string, string>
  departmentList: () => { code: string; label: string }[]
  settings: () => Record<string, unknown>
  navigate: (hash: string) => void
  toast: (text: string, kind?: 'ok' | 'warning' | 'error') => void
}

const KEY = Symbol('deltica')
export const provideApp = (ctx: AppContext) => setContext(KEY, ctx)
export const useApp = () => getContext<AppContext>(KEY)
