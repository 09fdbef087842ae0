// Settings: every user reads (admin-only keys hidden from laborants); admins write.
//   GET /api/settings          {values: {key: value}, labels: {key: label}}
//   PUT /api/settings          {key: value, …} — any subset, each validated by its schema, audited
import { z } from 'zod'
import { endpoint, parse } from '../runtime/endpoint.ts'
import { recordAudit, type Changes } from '../domain/audit/record.ts'
import {
  loadSettings,
  SECRET_MASK,
  SETTINGS,
  settingKeys,
  type SettingKey,
} from '../domain/settings/registry.ts'

const api = endpoint(import.meta.url)

const SettingsPatch = z
  .object(Object.fromEntries(settingKeys.map((k) => [k, SETTINGS[k].schema.optional()])))
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'Нет ни одной настройки для изменения')

const isSecret = (key: SettingKey) => (SETTINGS[key] as { secret?: boolean }).secret === true

function visible(isAdmin: boolean) {
  return settingKeys.filter((k) => isAdmin || !(SETTINGS[k] as { adminOnly?: boolean }).adminOnly)
}

async function view(sql: Parameters<typeof loadSettings>[0], isAdmin: boolean) {
  const values = await loadSettings(sql)
  const keys = visible(isAdmin)
  return {
    values: Object.fromEntries(
      keys.map((k) => [k, isSecret(k) ? (values[k] ? SECRET_MASK : '') : values[k]]),
    ),
    labels: Object.fromEntries(keys.map((k) => [k, SETTINGS[k].label])),
  }
}

api.get('/', { auth: 'user', summary: 'Настройки' }, (_req, env) =>
  view(env.sql, env.user.role === 'admin'),
)

api.put(
  '/',
  { auth: 'admin', summary: 'Изменить настройки', body: SettingsPatch },
  async (_req, env, { body }) => {
    const patch = parse(SettingsPatch, body) as Partial<Record<SettingKey, unknown>>
    await env.sql.begin(async (tx) => {
      const before = await loadSettings(tx)
      const changes: Changes = {}
      for (const [key, value] of Object.entries(patch) as [SettingKey, unknown][]) {
        if (value === undefined) continue
        // a secret read back as its mask is sent unchanged by a form: keep the stored value
        if (isSecret(key) && value === SECRET_MASK) continue
        await tx`
        insert into settings (key, value, updated_at, updated_by)
        values (${key}, ${tx.json(value as any)}, now(), ${env.user.id})
        on conflict (key) do update set value = excluded.value, updated_at = now(), updated_by = excluded.updated_by`
        if (JSON.stringify(before[key]) !== JSON.stringify(value))
          changes[key] = isSecret(key)
            ? { old: '***', new: '***' }
            : { old: before[key], new: value }
      }
      await recordAudit(tx, env, { action: 'settings_update', entity: 'settings', changes })
    })
    return view(env.sql, true)
  },
)

export default api
