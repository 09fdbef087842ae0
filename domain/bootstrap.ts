// Start-up steps shared by the server, the CLI and the Docker entrypoint: migrate, write setting
// defaults, create the first admin.
import { randomBytes } from 'node:crypto'
import { ensureSettings } from './settings/registry.ts'
import { createUser } from './users/accounts.ts'
import { recordAudit } from './audit/record.ts'
import type { Sql } from '../runtime/db.ts'
import { LOCKS, lockTransaction } from '../runtime/locks.ts'
import type { Logger } from '../runtime/log.ts'
import { migrate, type Migration } from '../runtime/migrate.ts'
import { passwordProblem } from '../runtime/password-policy.ts'

export async function prepareDatabase(
  sql: Sql,
  opts: { beforeMigrate?: (pending: Migration[]) => Promise<void> } = {},
): Promise<Migration[]> {
  const applied = await migrate(sql, { beforeApply: opts.beforeMigrate })
  await ensureSettings(sql)
  return applied
}

/**
 * Creates `admin` when there is no admin at all. The password comes from ADMIN_PASSWORD, or is
 * generated and printed once (it is never stored in clear anywhere).
 */
export async function ensureFirstAdmin(
  sql: Sql,
  adminPassword: string | undefined,
  log: Logger,
  print: (line: string) => void = (line) => process.stdout.write(line + '\n'),
): Promise<boolean> {
  const problem = adminPassword && passwordProblem(adminPassword, 'admin')
  if (problem) throw new Error(`ADMIN_PASSWORD: ${problem}`)
  return sql.begin(async (tx) => {
    await lockTransaction(tx, LOCKS.firstAdmin)
    const [{ n }] = await tx`select count(*)::int as n from users where role = 'admin'`
    if (n > 0) return false
    const password = adminPassword ?? randomBytes(12).toString('base64url')
    const user = await createUser(tx, {
      username: 'admin',
      full_name: 'Администратор',
      department: null,
      role: 'admin',
      password,
      active: true,
    })
    await recordAudit(
      tx,
      { user: null, ip: 'local' },
      { action: 'user_create', entity: 'user', entityId: user.id, username: 'system' },
    )
    if (adminPassword) {
      log.info('first admin created from ADMIN_PASSWORD', { username: 'admin' })
    } else {
      print('')
      print('==============================================================')
      print(' Создан администратор: логин admin, пароль: ' + password)
      print(' Пароль показан один раз — смените его после входа.')
      print('==============================================================')
      print('')
    }
    return true
  })
}
