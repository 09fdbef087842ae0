// Sign-in and the session (domain/users/session.ts).
//   POST /api/auth/login     anyone  {username, password} → {token, user}; 401 / 423 locked / 429;
//                            a domain name (DOMAIN\user, user@domain) checks the Windows password
//   GET  /api/auth/me        user    the current user
//   POST /api/auth/logout    user    revokes every token of the user
//   POST /api/auth/password  user    {current_password, new_password} → {token, user}
//   GET  /api/auth/negotiate anyone  whether Windows sign-in (Kerberos) is available, and why not
//   POST /api/auth/negotiate anyone  Authorization: Negotiate <token> → {token, user}; without it
//                                    401 + WWW-Authenticate: Negotiate; 404 when this server has
//                                    no Windows sign-in (domain/users/kerberos.ts)
import { z } from 'zod'
import {
  Ok,
  Password,
  SessionUserView,
  SessionView as Session,
  WindowsSignInView,
} from '../domain/schemas.ts'
import { signInWithKerberos, ssoStatus } from '../domain/users/kerberos.ts'
import { signInWithPassword } from '../domain/users/directory/sign-in.ts'
import { changePassword, sessionUser, signOut } from '../domain/users/session.ts'
import { endpoint } from '../runtime/endpoint.ts'

const api = endpoint(import.meta.url)

const Login = z.object({
  username: z
    .string()
    .trim()
    .min(1, 'Введите логин')
    .max(256)
    .regex(/^[^\u0000-\u001f]*$/, 'Недопустимые символы в логине'),
  password: z.string().min(1, 'Введите пароль').max(200),
})

const PasswordChange = z.object({
  current_password: z.string().min(1, 'Введите текущий пароль').max(200),
  new_password: Password,
})

api.post(
  '/login',
  { auth: 'public', summary: 'Вход', body: Login, response: Session },
  (_req, env, { body }) => signInWithPassword(env, body),
)

api.get(
  '/me',
  { auth: 'user', summary: 'Текущий пользователь', response: SessionUserView },
  (_req, env) => sessionUser(env.user),
)

api.post(
  '/logout',
  { auth: 'user', summary: 'Выход (все сеансы пользователя)', response: Ok },
  async (_req, env) => {
    await signOut(env)
    return { ok: true }
  },
)

api.post(
  '/password',
  { auth: 'user', summary: 'Смена своего пароля', body: PasswordChange, response: Session },
  (_req, env, { body }) => changePassword(env, body),
)

api.get(
  '/negotiate',
  {
    auth: 'public',
    summary: 'Доступен ли вход через Windows (Kerberos)',
    response: WindowsSignInView,
  },
  (_req, env) => ssoStatus(env),
)

api.post(
  '/negotiate',
  {
    auth: 'public',
    summary: 'Вход через Windows (Kerberos, SPNEGO)',
    response: Session,
    credentials: true,
  },
  (req, env) => signInWithKerberos(env, req.headers.get('authorization')),
)

export default api
