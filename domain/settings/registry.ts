// The settings registry: every setting's key, Russian label, zod schema and default, in one place.
// Defaults are written to the settings table at start-up (ensureSettings), so SQL that needs a
// setting (the status window) reads the table without repeating a default.
import { z } from 'zod'
import type { Sql, TransactionSql } from '../../runtime/db.ts'
import type { Env } from '../../runtime/endpoint.ts'
import { kept } from '../../runtime/kept.ts'
import { DIRECTORY_DEFAULT, DirectoryConfig } from '../users/directory/config.ts'

interface SettingDef<S extends z.ZodType = z.ZodType> {
  label: string
  schema: S
  default: z.output<S>
  /** readable by admins only */
  adminOnly?: boolean
  /** never sent back in clear (a password): reads show SECRET_MASK when set; stored in the
   * `secrets` table, which backups leave out and a restore keeps */
  secret?: boolean
}

/** What a read shows instead of a secret setting that has a value; writing it back keeps it. */
export const SECRET_MASK = '********'

const def = <S extends z.ZodType>(d: SettingDef<S>) => d

const text = (max = 300) => z.string().trim().max(max)

export const SETTINGS = {
  expiring_days: def({
    label: 'Окно «Истекает», дней до окончания срока',
    schema: z.number().int().min(1).max(365),
    default: 14,
  }),
  verification_future_days: def({
    label: 'Дата верификации: допускается дней вперёд от сегодняшнего',
    schema: z.number().int().min(0).max(365),
    default: 0,
  }),
  lockout_attempts: def({
    label: 'Блокировка: неудачных попыток входа в учётную запись с одного адреса',
    schema: z.number().int().min(1).max(100),
    default: 5,
    adminOnly: true,
  }),
  lockout_account_attempts: def({
    label: 'Блокировка: неудачных попыток входа в учётную запись со всех адресов',
    schema: z.number().int().min(1).max(10_000),
    default: 50,
    adminOnly: true,
  }),
  lockout_minutes: def({
    label: 'Блокировка: длительность, минут',
    schema: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
    default: 15,
    adminOnly: true,
  }),
  login_rate_per_minute: def({
    label: 'Попыток входа с одного адреса в минуту',
    schema: z.number().int().min(1).max(10_000),
    default: 30,
    adminOnly: true,
  }),
  windows_sso_enabled: def({
    label: 'Вход через Windows (Kerberos) включён, если сервер настроен',
    schema: z.boolean(),
    default: true,
    adminOnly: true,
  }),
  directory: def({
    label: 'Домен Windows (вход с паролем Windows, LDAP / Active Directory)',
    schema: DirectoryConfig,
    default: DIRECTORY_DEFAULT,
    adminOnly: true,
  }),
  directory_max_attempts: def({
    label:
      'Домен Windows: неудачных попыток до блокировки в Deltica (меньше порога блокировки домена)',
    schema: z.number().int().min(1).max(50),
    default: 3,
    adminOnly: true,
  }),
  upload_max_mb: def({
    label: 'Максимальный размер файла, МиБ',
    schema: z.number().int().min(1).max(2048),
    default: 50,
  }),
  notify_enabled: def({
    label: 'Рассылка напоминаний о поверке по e-mail включена',
    schema: z.boolean(),
    default: false,
    adminOnly: true,
  }),
  notify_hour: def({
    label: 'Час ежедневной рассылки напоминаний (0–23)',
    schema: z.number().int().min(0).max(23),
    default: 8,
    adminOnly: true,
  }),
  notify_offsets: def({
    label: 'Напоминать за столько дней до окончания срока (отрицательные — после)',
    schema: z
      .array(z.number().int().min(-365).max(365))
      .min(1, 'Нужен хотя бы один срок')
      .max(10)
      .transform((days) => [...new Set(days)].sort((a, b) => b - a)),
    default: [60, 30, 7, 0, -7],
    adminOnly: true,
  }),
  smtp: def({
    label: 'Почтовый сервер (SMTP)',
    schema: z.object({
      host: text(253),
      port: z.number().int().min(1).max(65535),
      security: z.enum(['none', 'starttls', 'tls']),
      user: text(254),
      from: text(254),
      tls_verify: z.boolean(),
    }),
    default: { host: '', port: 587, security: 'starttls', user: '', from: '', tls_verify: true },
    adminOnly: true,
  }),
  smtp_password: def({
    label: 'Пароль почтового сервера',
    schema: z.string().max(500),
    default: '',
    adminOnly: true,
    secret: true,
  }),
  backup_hour: def({
    label: 'Ежедневная резервная копия: час запуска (0–23)',
    schema: z.number().int().min(0).max(23),
    default: 2,
    adminOnly: true,
  }),
  backup_keep_days: def({
    label: 'Хранить резервные копии, дней',
    schema: z.number().int().min(1).max(3650),
    default: 30,
    adminOnly: true,
  }),
  bid_extra_columns: def({
    label: 'Заявки на поверку и калибровку: графы «Кол-во каналов» и «Протокол»',
    schema: z.boolean(),
    default: false,
  }),
  organization: def({
    label: 'Реквизиты для документов',
    schema: z.object({
      customer_name: text(),
      inn: z
        .string()
        .trim()
        .regex(/^(\d{10}|\d{12})?$/, 'ИНН: 10 или 12 цифр'),
      kpp: z
        .string()
        .trim()
        .regex(/^(\d{9})?$/, 'КПП: 9 цифр'),
      contract_number: text(100),
      contract_date: z.union([
        z.literal(''),
        z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Дата в формате ГГГГ-ММ-ДД'),
      ]),
      contact_person: text(),
      contact_phone: text(100),
      room: text(100),
      verifier_name: text(),
      head_title: text(),
      head_name: text(),
      metrologist_title: text(),
      metrologist_name: text(),
      commission: z.array(text()).max(10),
    }),
    default: {
      customer_name: '',
      inn: '',
      kpp: '',
      contract_number: '',
      contract_date: '',
      contact_person: '',
      contact_phone: '',
      room: '',
      verifier_name: '',
      head_title: '',
      head_name: '',
      metrologist_title: '',
      metrologist_name: '',
      commission: [],
    },
  }),
} satisfies Record<string, SettingDef>

export type SettingKey = keyof typeof SETTINGS
export type Settings = { [K in SettingKey]: z.output<(typeof SETTINGS)[K]['schema']> }

export const settingKeys = Object.keys(SETTINGS) as SettingKey[]

/** A secret setting: its row is in `secrets`, not `settings`. */
export const isSecret = (key: SettingKey) => (SETTINGS[key] as { secret?: boolean }).secret === true

/**
 * Inserts the default of every setting that has no row yet (start-up, test databases); a secret
 * has no row until it is set.
 */
export async function ensureSettings(sql: Sql | TransactionSql): Promise<void> {
  const rows = settingKeys
    .filter((key) => !isSecret(key))
    .map((key) => ({ key, value: SETTINGS[key].default }))
  await sql`
    insert into settings (key, value)
    select key, value
    from jsonb_to_recordset(${sql.json(rows as any)}) as t(key text, value jsonb)
    on conflict (key) do nothing`
  await sql`insert into settings_meta (id) values (true) on conflict (id) do nothing`
}

export async function loadSettings(sql: Sql | TransactionSql): Promise<Settings> {
  const rows = await sql<{ key: string; value: unknown }[]>`
    select key, value from settings
    union all
    select key, value from secrets`
  const out: Record<string, unknown> = {}
  for (const key of settingKeys) out[key] = SETTINGS[key].default
  for (const { key, value } of rows) {
    if (key in SETTINGS) {
      const parsed = SETTINGS[key as SettingKey].schema.safeParse(value)
      if (parsed.success) out[key] = parsed.data
    }
  }
  return out as Settings
}

export const SETTINGS_CHANNEL = 'deltica_settings'
const SETTINGS_TTL_MS = 5_000
const keptSettings = (env: Pick<Env, 'bus'>) =>
  kept<Settings>(env.bus, SETTINGS_CHANNEL, SETTINGS_TTL_MS)

/**
 * Settings for this request: kept a few seconds per process (runtime/kept.ts) and dropped in
 * every server process when they are saved (settingsChanged), so a request does not read and
 * check every setting again. Code that must see the stored values inside its own transaction
 * reads them with loadSettings.
 */
export async function settingsOf(env: Env): Promise<Settings> {
  let cached = env.cache.get('settings') as Promise<Settings> | undefined
  if (!cached) {
    cached = keptSettings(env).get('', () => loadSettings(env.sql)) as Promise<Settings>
    env.cache.set('settings', cached)
  }
  return cached
}

/** The settings were written (after the commit): every server process reads them again. */
export function settingsChanged(env: Pick<Env, 'bus'>): Promise<void> {
  return keptSettings(env).changed()
}
