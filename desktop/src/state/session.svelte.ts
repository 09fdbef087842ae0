// The signed-in user: login with Russian errors, the session kept across restarts (token in
// storage, checked with /api/auth/me), logout.
import type { SessionUser, WindowsSignIn } from '@shared/views.ts'
import { ApiError, type Api } from '../lib/api.ts'
import { authApi } from '../lib/api/auth.ts'

const KEY = 'deltica.session'

export class Session {
  user = $state.raw<SessionUser | null>(null)
  /** the server ended the session (a 401 on a signed-in request): the sign-in screen says so */
  expired = $state(false)
  /** after a logout the sign-in screen does not sign in through Windows by itself (until the
   * program is started again) */
  private loggedOut = false

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
    api.onUnauthorized = () => {
      this.expired = true
      this.clear()
    }
  }

  get isAdmin() {
    return this.user?.role === 'admin'
  }

  /** null on success, else the Russian message to show */
  async login(username: string, password: string): Promise<string | null> {
    if (!username.trim()) return 'Введите логин'
    if (!password) return 'Введите пароль'
    try {
      const { token, user } = await authApi(this.api).login(username.trim(), password)
      this.start(token, user)
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

  /** whether the server offers Windows sign-in (Kerberos), and why not */
  async windowsSignIn(): Promise<WindowsSignIn> {
    try {
      return await authApi(this.api).windowsAvailable()
    } catch {
      return { available: false, message: null }
    }
  }

  /** sign in automatically through Windows now (not right after a logout) */
  get autoWindows() {
    return !this.loggedOut
  }

  /** Windows sign-in: Chromium answers the server's Negotiate challenge with the user's ticket
   * (main process: auth-server-whitelist); null on success, else the Russian message */
  async loginWindows(): Promise<string | null> {
    try {
      const { token, user } = await authApi(this.api).windows()
      this.start(token, user)
      return null
    } catch (error) {
      if (!(error instanceof ApiError)) return 'Не удалось войти через Windows'
      if (error.status === 401)
        return 'Windows не подтвердил вход (компьютер не в домене или нет билета Kerberos). Войдите по логину и паролю'
      return error.message
    }
  }

  private start(token: string, user: SessionUser) {
    this.api.token = token
    this.user = user
    this.storage.setItem(KEY, JSON.stringify({ token, user, server: this.api.baseUrl }))
    this.loggedOut = false
    this.expired = false
  }

  /** the kept session is still valid (token not revoked, user active) */
  async verify(): Promise<boolean> {
    if (!this.api.token) return false
    try {
      this.user = await authApi(this.api).me()
      return true
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) this.clear()
      return error instanceof ApiError && error.status !== 401
    }
  }

  async logout() {
    try {
      await authApi(this.api).logout()
    } catch {
      /* leaving anyway */
    }
    this.clear()
    this.loggedOut = true
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
