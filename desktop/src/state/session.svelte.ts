// The signed-in user: login with Russian errors, the session kept across restarts (token in
// storage, checked with /api/auth/me), logout.
import { ApiError, type Api } from '../lib/api.ts'

export interface SessionUser {
  id: number
  username: string
  full_name: string
  department: string | null
  role: 'admin' | 'laborant'
}

const KEY = 'deltica.session'

export class Session {
  user = $state.raw<SessionUser | null>(null)

  constructor(
    private api: Api,
    private storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>,
  ) {
    try {
      const saved = JSON.parse(storage.getItem(KEY) ?? 'null') as {
        token: string
        user: SessionUser
        server: string
      } | null
      if (saved?.token && saved.user && saved.server === api.baseUrl) {
        api.token = saved.token
        this.user = saved.user
      }
    } catch {
      storage.removeItem(KEY)
    }
    api.onUnauthorized = () => this.clear()
  }

  get isAdmin() {
    return this.user?.role === 'admin'
  }

  /** null on success, else the Russian message to show */
  async login(username: string, password: string): Promise<string | null> {
    if (!username.trim()) return 'Введите логин'
    if (!password) return 'Введите пароль'
    try {
      const { token, user } = await this.api.post<{ token: string; user: SessionUser }>(
        '/api/auth/login',
        { username: username.trim(), password },
      )
      this.api.token = token
      this.user = user
      this.storage.setItem(KEY, JSON.stringify({ token, user, server: this.api.baseUrl }))
      return null
    } catch (error) {
      if (!(error instanceof ApiError)) return 'Не удалось войти'
      // a refusal with a reason (the Windows domain: disabled, expired password…) says it
      if (error.status === 401 && error.body.reason) return error.message
      if (error.status === 401) return 'Неверный логин или пароль'
      if (error.status === 429) return 'Слишком много попыток входа. Подождите минуту и повторите'
      return error.message
    }
  }

  /** the kept session is still valid (token not revoked, user active) */
  async verify(): Promise<boolean> {
    if (!this.api.token) return false
    try {
      const me = await this.api.get<SessionUser | { user: SessionUser }>('/api/auth/me')
      const user = 'user' in me ? me.user : me
      this.user = user
      return true
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) this.clear()
      return error instanceof ApiError && error.status !== 401
    }
  }

  async logout() {
    try {
      await this.api.post('/api/auth/logout')
    } catch {
      /* leaving anyway */
    }
    this.clear()
  }

  /** after a password change the server issues a new token (older ones are revoked) */
  replaceToken(token: string, user: SessionUser) {
    this.api.token = token
    this.user = user
    this.storage.setItem(KEY, JSON.stringify({ token, user, server: this.api.baseUrl }))
  }

  clear() {
    this.api.token = null
    this.user = null
    this.storage.removeItem(KEY)
  }
}
