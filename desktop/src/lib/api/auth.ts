// Typed calls of /api/auth: sign-in (password, Windows), who is signed in, sign-out, own password.
import type { SessionAnswer, SessionUser, WindowsSignIn } from '@shared/views.ts'
import type { Api } from '../api.ts'

export const authApi = (api: Api) => ({
  login: (username: string, password: string) =>
    api.post<SessionAnswer>('/api/auth/login', { username, password }),
  me: () => api.get<SessionUser>('/api/auth/me'),
  logout: () => api.post('/api/auth/logout'),
  changePassword: (body: { current_password: string; new_password: string }) =>
    api.post<SessionAnswer>('/api/auth/password', body),
  windowsAvailable: () => api.get<WindowsSignIn>('/api/auth/negotiate'),
  /** Chromium answers the server's Negotiate challenge itself */
  windows: async () =>
    (await (
      await api.raw('POST', '/api/auth/negotiate', { credentials: 'include' })
    ).json()) as SessionAnswer,
})
