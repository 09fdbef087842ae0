// Settings: every user reads (admin-only keys hidden from laborants); admins write
// (domain/settings/values.ts; the registry of keys is domain/settings/registry.ts).
//   GET /api/settings          {values: {key: value}, labels: {key: label}}
//   PUT /api/settings          {key: value, …} — any subset, each validated by its schema, audited
import { z } from 'zod'
import { SETTINGS, settingKeys, type SettingKey } from '../domain/settings/registry.ts'
import { settingsView, updateSettings } from '../domain/settings/values.ts'
import { endpoint, parse } from '../runtime/endpoint.ts'

const api = endpoint(import.meta.url)

const SettingsPatch = z
  .object(Object.fromEntries(settingKeys.map((k) => [k, SETTINGS[k].schema.optional()])))
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'Нет ни одной настройки для изменения')

const SettingsView = z.object({
  values: z.record(z.string(), z.unknown()),
  labels: z.record(z.string(), z.string()),
})

api.get('/', { auth: 'user', summary: 'Настройки', response: SettingsView }, (_req, env) =>
  settingsView(env.sql, env.user.role === 'admin'),
)

api.put(
  '/',
  { auth: 'admin', summary: 'Изменить настройки', body: SettingsPatch, response: SettingsView },
  async (_req, env, { body }) => {
    await updateSettings(env, parse(SettingsPatch, body) as Partial<Record<SettingKey, unknown>>)
    return settingsView(env.sql, true)
  },
)

export default api
