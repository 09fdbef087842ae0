// The admin's checks of the Windows domain settings (saved or still in the form): does the
// service account connect, and what a user's groups give him, without his password.
import type { AuthedEnv } from '../../../runtime/endpoint.ts'
import { accountOfWindowsUser } from './accounts.ts'
import { parseWindowsLogin, type DirectoryConfig } from './config.ts'
import { DirectoryDown, findDirectoryUser, mappedAccess, withServiceAccount } from './lookup.ts'

/** A 503 of withServiceAccount as an answer to show: {ok: false, message, causes}. */
async function answered<T>(run: () => Promise<T>) {
  try {
    return await run()
  } catch (e) {
    if (!(e instanceof DirectoryDown)) throw e
    return { ok: false as const, message: e.message, causes: e.causes }
  }
}

/** Connects and binds as the service account. */
export const checkDirectory = (env: AuthedEnv, config: DirectoryConfig) =>
  answered(() =>
    withServiceAccount(env, config, async (conn) => ({
      ok: true as const,
      message: `Подключение к ${conn.url} установлено, служебная учётная запись принята`,
      causes: [],
    })),
  )

/** The domain user a login names, his groups, and the role and department they give. */
export const lookupWindowsUser = (env: AuthedEnv, config: DirectoryConfig, typed: string) =>
  answered(async () => {
    const login = parseWindowsLogin(typed, config)
    const user = login
      ? await withServiceAccount(env, config, (conn) => findDirectoryUser(conn, config, login))
      : null
    if (!user) {
      return {
        ok: true as const,
        message: 'Пользователь в домене не найден',
        causes: [],
        user: null,
      }
    }
    const access = mappedAccess(config, user)
    const account = await accountOfWindowsUser(env.sql, config, user)
    return {
      ok: true as const,
      message: access.role
        ? 'Пользователь найден'
        : 'Пользователь найден, но его нет в группах доступа: войти не сможет',
      causes: [],
      user: {
        dn: user.dn,
        user: user.user,
        upn: user.upn,
        display_name: user.display_name,
        disabled: user.disabled,
        groups: user.groups,
        role: access.role,
        department: access.department,
        account: account ? { id: account.id, username: account.username } : null,
      },
    }
  })
