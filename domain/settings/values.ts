// The settings as users read and admins write them: admin-only keys hidden from laborants, a
// secret shown as its mask (and the mask written back keeps the stored value), every change
// audited with old → new (secrets as ***). The settings are one form, so the set has one
// `version` (the row of settings_meta): a write sends the version it read, a stale one → 409.
import type { Sql, TransactionSql } from '../../runtime/db.ts'
import type { AuthedEnv } from '../../runtime/endpoint.ts'
import { recordAudit, type Changes } from '../audit/record.ts'
import { checkVersion } from '../stale.ts'
import {
  isSecret,
  loadSettings,
  SECRET_MASK,
  SETTINGS,
  settingsChanged,
  settingKeys,
  type SettingKey,
} from './registry.ts'

function visible(isAdmin: boolean) {
  return settingKeys.filter((k) => isAdmin || !(SETTINGS[k] as { adminOnly?: boolean }).adminOnly)
}

interface SettingsMeta {
  version: number
  updated_at: Date
  updated_by: number | null
}

async function settingsMeta(sql: Sql | TransactionSql, lock = false): Promise<SettingsMeta> {
  const [meta] = await sql<SettingsMeta[]>`
    select version, updated_at, updated_by from settings_meta ${lock ? sql`for update` : sql``}`
  return meta ?? { version: 1, updated_at: new Date(0), updated_by: null }
}

/** {values, labels, version} of the settings this user may read. */
export async function settingsView(sql: Sql | TransactionSql, isAdmin: boolean) {
  const [values, meta] = await Promise.all([loadSettings(sql), settingsMeta(sql)])
  const keys = visible(isAdmin)
  return {
    version: meta.version,
    values: Object.fromEntries(
      keys.map((k) => [k, isSecret(k) ? (values[k] ? SECRET_MASK : '') : values[k]]),
    ),
    labels: Object.fromEntries(keys.map((k) => [k, SETTINGS[k].label])),
  }
}

/** Writes the given settings (already validated) in one audited transaction, checking `version`. */
export async function updateSettings(
  env: Pick<AuthedEnv, 'sql' | 'user' | 'ip' | 'bus'>,
  patch: Partial<Record<SettingKey, unknown>>,
  version: number,
): Promise<void> {
  await env.sql.begin(async (tx) => {
    await tx`insert into settings_meta (id) values (true) on conflict (id) do nothing`
    const meta = await settingsMeta(tx, true)
    await checkVersion(tx, version, meta, await settingsView(tx, true))
    const before = await loadSettings(tx)
    const changes: Changes = {}
    for (const [key, value] of Object.entries(patch) as [SettingKey, unknown][]) {
      if (value === undefined) continue
      // a secret read back as its mask is sent unchanged by a form: keep the stored value
      if (isSecret(key) && value === SECRET_MASK) continue
      if (isSecret(key)) {
        // the author of a change is in the audit log; `secrets` keeps no reference to users
        await tx`
          insert into secrets (key, value, updated_at) values (${key}, ${tx.json(value as any)}, now())
          on conflict (key) do update set value = excluded.value, updated_at = now()`
      } else {
        await tx`
          insert into settings (key, value, updated_at, updated_by)
          values (${key}, ${tx.json(value as any)}, now(), ${env.user.id})
          on conflict (key) do update set value = excluded.value, updated_at = now(), updated_by = excluded.updated_by`
      }
      if (JSON.stringify(before[key]) !== JSON.stringify(value))
        changes[key] = isSecret(key) ? { old: '***', new: '***' } : { old: before[key], new: value }
    }
    await tx`
      update settings_meta set version = version + 1, updated_at = now(), updated_by = ${env.user.id}`
    await recordAudit(tx, env, { action: 'settings_update', entity: 'settings', changes })
  })
  await settingsChanged(env)
}
