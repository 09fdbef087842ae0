// The Windows domain (LDAP / Active Directory) for admins: checks of the settings, saved or still
// in the form (domain/users/directory/admin.ts). Sign-in itself is POST /api/auth/login.
//   POST /api/directory/check   admin  {directory?} → {ok, message, causes}
//   POST /api/directory/lookup  admin  {username, directory?} → {ok, message, causes, user}
//                                      his groups, role and department; no password asked
import { z } from 'zod'
import { settingsOf } from '../domain/settings/registry.ts'
import { checkDirectory, lookupWindowsUser } from '../domain/users/directory/admin.ts'
import { DirectoryConfig } from '../domain/users/directory/config.ts'
import {
  DirectoryCheckView as CheckView,
  DirectoryLookupView as LookupView,
} from '../domain/schemas.ts'
import type { Env } from '../runtime/endpoint.ts'
import { endpoint } from '../runtime/endpoint.ts'

const api = endpoint(import.meta.url)

/** The form's values when given (checked before saving), else the saved settings. */
const configOf = async (env: Env, given: DirectoryConfig | undefined) =>
  given ?? (await settingsOf(env)).directory

const Check = z.object({ directory: DirectoryConfig.optional() }).strict()
const Lookup = Check.extend({ username: z.string().trim().min(1, 'Введите имя').max(256) }).strict()

api.post(
  '/check',
  {
    auth: 'admin',
    summary: 'Проверить подключение к домену Windows',
    body: Check,
    response: CheckView,
  },
  async (_req, env, { body }) => checkDirectory(env, await configOf(env, body.directory)),
)

api.post(
  '/lookup',
  {
    auth: 'admin',
    summary: 'Найти пользователя домена Windows и его группы',
    body: Lookup,
    response: LookupView,
  },
  async (_req, env, { body }) =>
    lookupWindowsUser(env, await configOf(env, body.directory), body.username),
)

export default api
