// Server configuration: read once from the environment, validated with zod, refused with a clear
// message when production would start insecure.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { z } from 'zod'
import { DEFAULT_TIME_ZONE } from './clock.ts'
import { proxyList } from './client-address.ts'
import { passwordProblem, SECRET_COMMAND, SECRET_MIN_BITS, secretBits } from './password-policy.ts'

const DEFAULT_CORS_ORIGINS = ['app://deltica', 'http://localhost:5173', 'http://127.0.0.1:5173']

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()))

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: optionalText,
  DB_HOST: optionalText,
  DB_PORT: z.coerce.number().int().min(1).max(65535).default(5432),
  DB_NAME: optionalText,
  DB_USER: optionalText,
  DB_PASSWORD: optionalText,
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
  DATA_DIR: z.string().default('./data'),
  SECRET_KEY: optionalText,
  ADMIN_PASSWORD: optionalText,
  // a password is taken as it is (spaces are part of it)
  LDAP_BIND_PASSWORD: z.string().optional(),
  TLS_CERT_FILE: optionalText,
  TLS_KEY_FILE: optionalText,
  CORS_ORIGINS: optionalText,
  TRUSTED_PROXIES: optionalText,
  KERBEROS_SPN: optionalText,
  KRB5_KTNAME: optionalText,
  APP_TIMEZONE: z.string().default(DEFAULT_TIME_ZONE),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  STATEMENT_TIMEOUT_S: z.coerce.number().int().min(0).max(86_400).default(30),
  HTTP_HEADERS_TIMEOUT_S: z.coerce.number().int().min(1).max(600).default(20),
  HTTP_IDLE_TIMEOUT_S: z.coerce.number().int().min(1).max(3600).default(15),
  HTTP_KEEPALIVE_TIMEOUT_S: z.coerce.number().int().min(1).max(3600).default(65),
  HTTP_MAX_CONNECTIONS: z.coerce.number().int().min(10).max(1_000_000).default(4096),
  HTTP_MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(1024),
})

export interface Config {
  env: 'development' | 'production' | 'test'
  port: number
  host: string
  /** null = embedded PostgreSQL (PGlite) under dataDir */
  databaseUrl: string | null
  poolSize: number
  dataDir: string
  secretKey: string
  adminPassword: string | undefined
  /** the Windows domain service account's password (LDAP_BIND_PASSWORD); never a setting */
  directoryBindPassword?: string
  tls: { certFile: string; keyFile: string } | null
  corsOrigins: string[]
  /** reverse proxies (addresses, CIDRs) whose X-Forwarded-For is believed */
  trustedProxies: string[]
  logLevel: 'debug' | 'info' | 'warn' | 'error'
  /** IANA zone of the branch: "today" for statuses and due dates is taken in it */
  timeZone: string
  version: string
  /** a request's SQL statement is cancelled after this long (0 = never); PostgreSQL only */
  statementTimeoutMs?: number
  /** HTTP timeouts and connection caps (runtime/server.ts has the defaults) */
  http?: HttpLimits
  /** Windows single sign-on (KERBEROS_SPN + KRB5_KTNAME); absent = not configured */
  kerberos?: KerberosConfig | null
}

interface KerberosConfig {
  /** the service principal, HTTP/<the server's DNS name> */
  spn: string
  /** the keytab libkrb5 reads (KRB5_KTNAME) */
  keytab: string
}

/** Timeouts and connection caps against slow and greedy clients (config: HTTP_*). */
export interface HttpLimits {
  /** the whole request head must arrive within this */
  headersTimeoutMs: number
  /** a socket with no bytes either way for this long is closed (a stalled body or download) */
  idleTimeoutMs: number
  /** an idle keep-alive connection between requests is closed after this */
  keepAliveTimeoutMs: number
  /** open connections in all; more are closed as they arrive */
  maxConnections: number
  /** open connections from one address (a reverse proxy is one address) */
  maxConnectionsPerIp: number
}

export class ConfigError extends Error {}

const PLACEHOLDER = /^change[_-]?this/i

function weakSecret(value: string | undefined, minLength: number): string | null {
  if (!value) return 'не задан'
  if (PLACEHOLDER.test(value)) return 'содержит значение-заглушку из шаблона'
  if (value.length < minLength) return `короче ${minLength} символов`
  return null
}

function databaseUrlFrom(env: z.infer<typeof EnvSchema>): {
  url: string | null
  password?: string
} {
  if (env.DATABASE_URL) {
    let password: string | undefined
    try {
      password = decodeURIComponent(new URL(env.DATABASE_URL).password) || undefined
    } catch {
      throw new ConfigError('DATABASE_URL: не удаётся разобрать адрес базы данных')
    }
    return { url: env.DATABASE_URL, password }
  }
  if (env.DB_HOST) {
    if (!env.DB_NAME || !env.DB_USER) {
      throw new ConfigError('При заданном DB_HOST нужны также DB_NAME и DB_USER')
    }
    const auth = env.DB_PASSWORD
      ? `${encodeURIComponent(env.DB_USER)}:${encodeURIComponent(env.DB_PASSWORD)}`
      : encodeURIComponent(env.DB_USER)
    return {
      url: `postgres://${auth}@${env.DB_HOST}:${env.DB_PORT}/${encodeURIComponent(env.DB_NAME)}`,
      password: env.DB_PASSWORD,
    }
  }
  return { url: null }
}

/** Reads the development secret kept in DATA_DIR, creating it on the first start. */
function developmentSecret(dataDir: string): string {
  const file = join(dataDir, 'secret.key')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  mkdirSync(dataDir, { recursive: true })
  const secret = randomBytes(48).toString('base64url')
  writeFileSync(file, secret + '\n', { mode: 0o600 })
  return secret
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
    return String(pkg.version)
  } catch {
    return '0.0.0'
  }
}

export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(source)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
    throw new ConfigError(`Ошибка конфигурации:\n  ${lines.join('\n  ')}`)
  }
  const env = parsed.data
  const production = env.NODE_ENV === 'production'
  const dataDir = resolve(env.DATA_DIR)
  const db = databaseUrlFrom(env)

  try {
    new Intl.DateTimeFormat('ru-RU', { timeZone: env.APP_TIMEZONE })
  } catch {
    throw new ConfigError(`APP_TIMEZONE: неизвестный часовой пояс ${env.APP_TIMEZONE}`)
  }
  if ((env.TLS_CERT_FILE && !env.TLS_KEY_FILE) || (!env.TLS_CERT_FILE && env.TLS_KEY_FILE)) {
    throw new ConfigError('Для HTTPS нужны оба параметра: TLS_CERT_FILE и TLS_KEY_FILE')
  }
  for (const file of [env.TLS_CERT_FILE, env.TLS_KEY_FILE]) {
    if (file && !existsSync(file)) throw new ConfigError(`Файл сертификата не найден: ${file}`)
  }

  let secretKey = env.SECRET_KEY
  if (production) {
    const problem = weakSecret(env.SECRET_KEY, 32)
    if (problem) throw new ConfigError(`SECRET_KEY ${problem}: в production сервер не запускается`)
    if (!db.url) {
      throw new ConfigError(
        'В production нужна база PostgreSQL: задайте DATABASE_URL или DB_HOST/DB_NAME/DB_USER/DB_PASSWORD',
      )
    }
    const dbProblem = weakSecret(db.password, 16)
    if (dbProblem) {
      throw new ConfigError(`Пароль базы данных ${dbProblem}: в production сервер не запускается`)
    }
    if (env.ADMIN_PASSWORD && PLACEHOLDER.test(env.ADMIN_PASSWORD)) {
      throw new ConfigError('ADMIN_PASSWORD содержит значение-заглушку из шаблона')
    }
    const bits = secretBits(env.SECRET_KEY!)
    if (bits < SECRET_MIN_BITS) {
      throw new ConfigError(
        `SECRET_KEY слишком слабый (около ${bits} бит, нужно не меньше ${SECRET_MIN_BITS}): в production сервер не запускается. Создайте случайный ключ командой: ${SECRET_COMMAND}`,
      )
    }
  } else if (!secretKey) {
    secretKey = developmentSecret(dataDir)
  } else if (secretKey.length < 32) {
    throw new ConfigError('SECRET_KEY короче 32 символов')
  }
  const adminProblem = env.ADMIN_PASSWORD && passwordProblem(env.ADMIN_PASSWORD, 'admin')
  if (adminProblem) throw new ConfigError(`ADMIN_PASSWORD: ${adminProblem}`)
  let trustedProxies: string[]
  try {
    trustedProxies = proxyList(env.TRUSTED_PROXIES)
  } catch (error) {
    throw new ConfigError(`TRUSTED_PROXIES: ${(error as Error).message}`)
  }

  return {
    kerberos: kerberosConfig(env.KERBEROS_SPN, env.KRB5_KTNAME),
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    databaseUrl: db.url,
    poolSize: env.DB_POOL_SIZE,
    dataDir,
    secretKey: secretKey!,
    adminPassword: env.ADMIN_PASSWORD,
    directoryBindPassword: env.LDAP_BIND_PASSWORD || undefined,
    tls: env.TLS_CERT_FILE ? { certFile: env.TLS_CERT_FILE, keyFile: env.TLS_KEY_FILE! } : null,
    corsOrigins: env.CORS_ORIGINS
      ? env.CORS_ORIGINS.split(',')
          .map((o) => o.trim())
          .filter(Boolean)
      : DEFAULT_CORS_ORIGINS,
    trustedProxies,
    logLevel: env.LOG_LEVEL,
    timeZone: env.APP_TIMEZONE,
    version: packageVersion(),
    statementTimeoutMs: env.STATEMENT_TIMEOUT_S * 1000,
    http: {
      headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_S * 1000,
      idleTimeoutMs: env.HTTP_IDLE_TIMEOUT_S * 1000,
      keepAliveTimeoutMs: env.HTTP_KEEPALIVE_TIMEOUT_S * 1000,
      maxConnections: env.HTTP_MAX_CONNECTIONS,
      maxConnectionsPerIp: env.HTTP_MAX_CONNECTIONS_PER_IP,
    },
  }
}

/**
 * KERBEROS_SPN (HTTP/<DNS name>) with KRB5_KTNAME, or neither. Kerberos needs the server's DNS
 * name: an SPN with an IP address never matches the ticket a Windows client asks for.
 */
function kerberosConfig(
  spn: string | undefined,
  keytab: string | undefined,
): KerberosConfig | null {
  if (!spn) return null
  const m = /^HTTP\/([^/@\s]+)$/i.exec(spn)
  if (!m)
    throw new ConfigError(
      `KERBEROS_SPN: нужно HTTP/<DNS-имя сервера>, например HTTP/deltica.corp.local, а не ${spn}`,
    )
  if (/^[\d.]+$/.test(m[1]) || m[1].includes(':'))
    throw new ConfigError(
      `KERBEROS_SPN: Kerberos работает только с DNS-именем сервера, а не с IP-адресом (${m[1]})`,
    )
  if (!keytab)
    throw new ConfigError(
      'KERBEROS_SPN задан, но не задан KRB5_KTNAME (путь к файлу ключей keytab)',
    )
  return { spn: `HTTP/${m[1]}`, keytab }
}
