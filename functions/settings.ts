// Settings: every user reads (admin-only keys hidden from laborants); admins write
// (domain/settings/values.ts; the registry of keys is domain/settings/registry.ts).
//   GET /api/settings          {values: {key: value}, labels: {key: label}, version}
//   PUT /api/settings          {version, key: value, …} — any subset, each validated by its schema,
//                              audited; the set has one version (stale → 409)
import { z } from 'zod'
import { SETTINGS, settingKeys, type SettingKey } from '../domain/settings/registry.ts'
import { settingsView, updateSettings } from '../domain/settings/values.ts'
import { SettingsView, Version } from '../domain/schemas.ts'
import { endpoint, parse } from '../runtime/endpoint.ts'

const api = endpoint(import.meta.url)

const SettingsPatch = z
  .object({
    ...Object.fromEntries(settingKeys.map((k) => [k, SETTINGS[k].schema.optional()])),
    version: Version,
  })
  .strict()
  .refine((v) => Object.keys(v).length > 1, 'Нет ни одной настройки для изменения')

api.get('/', { auth: 'user', summary: 'Настройки', response: SettingsView }, (_req, env) =>
  settingsView(env.sql, env.user.role === 'admin'),
)

api.put(
  '/',
  { auth: 'admin', summary: 'Изменить настройки', body: SettingsPatch, response: SettingsView },
  async (_req, env, { body }) => {
    const { version, ...values } = parse(SettingsPatch, body) as Record<string, unknown>
    await updateSettings(env, values as Partial<Record<SettingKey, unknown>>, version as number)
    return settingsView(env.sql, true)
  },
)

export default api
