import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.ts'

const strong = 'Qm7vR2pXk9LzT4wB8nYc3HdF6sJa1GeU5oKi0VbN'
const prodDb = {
  DB_HOST: 'postgres',
  DB_NAME: 'deltica_prod',
  DB_USER: 'deltica_user',
  DB_PASSWORD: 'p'.repeat(24),
}
const tmp = () => mkdtempSync(join(tmpdir(), 'deltica-cfg-'))

describe('loadConfig', () => {
  it('defaults: port 8000, embedded database, ./data', () => {
    const dir = tmp()
    const c = loadConfig({ DATA_DIR: dir })
    expect(c.port).toBe(8000)
    expect(c.databaseUrl).toBeNull()
    expect(c.dataDir).toBe(dir)
    expect(c.env).toBe('development')
  })

  it('development generates a secret once and keeps it in DATA_DIR', () => {
    const dir = tmp()
    const a = loadConfig({ DATA_DIR: dir })
    const b = loadConfig({ DATA_DIR: dir })
    expect(a.secretKey.length).toBeGreaterThanOrEqual(32)
    expect(b.secretKey).toBe(a.secretKey)
    expect(readFileSync(join(dir, 'secret.key'), 'utf8').trim()).toBe(a.secretKey)
  })

  it('builds the database URL from the DB_* set, escaping the password', () => {
    const c = loadConfig({ DATA_DIR: tmp(), ...prodDb, DB_PASSWORD: 'p@ss/word' })
    expect(c.databaseUrl).toBe('postgres://deltica_user:p%40ss%2Fword@postgres:5432/deltica_prod')
  })

  it.each([
    ['missing secret', { ...prodDb }, /SECRET_KEY не задан/],
    ['short secret', { ...prodDb, SECRET_KEY: 'short-secret' }, /SECRET_KEY короче 32/],
    [
      'placeholder secret',
      { ...prodDb, SECRET_KEY: 'CHANGE_THIS_' + strong },
      /SECRET_KEY содержит значение-заглушку/,
    ],
    [
      'placeholder db password',
      { ...prodDb, SECRET_KEY: strong, DB_PASSWORD: 'CHANGE_THIS_PASSWORD_NOW_PLEASE' },
      /Пароль базы данных содержит значение-заглушку/,
    ],
    [
      'short db password',
      { ...prodDb, SECRET_KEY: strong, DB_PASSWORD: 'abc' },
      /Пароль базы данных короче/,
    ],
    [
      'missing db password',
      { ...prodDb, SECRET_KEY: strong, DB_PASSWORD: '' },
      /Пароль базы данных не задан/,
    ],
    ['no database at all', { SECRET_KEY: strong }, /нужна база PostgreSQL/],
    [
      'password missing in DATABASE_URL',
      { SECRET_KEY: strong, DATABASE_URL: 'postgres://u@h/db' },
      /Пароль базы данных не задан/,
    ],
  ])('production refuses: %s', (_name, env, message) => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: tmp(), ...env })).toThrow(message)
  })

  it('production starts with strong secrets', () => {
    const c = loadConfig({ NODE_ENV: 'production', DATA_DIR: tmp(), SECRET_KEY: strong, ...prodDb })
    expect(c.secretKey).toBe(strong)
  })

  it('refuses a bad port, half a TLS pair, a missing certificate file', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATA_DIR: tmp() })).toThrow(ConfigError)
    expect(() => loadConfig({ TLS_CERT_FILE: '/etc/hostname', DATA_DIR: tmp() })).toThrow(
      /оба параметра/,
    )
    expect(() =>
      loadConfig({ TLS_CERT_FILE: '/nope.crt', TLS_KEY_FILE: '/nope.key', DATA_DIR: tmp() }),
    ).toThrow(/не найден/)
  })

  it('reads the CORS origin list', () => {
    const c = loadConfig({ DATA_DIR: tmp(), CORS_ORIGINS: 'app://deltica, http://10.0.0.5:8080' })
    expect(c.corsOrigins).toEqual(['app://deltica', 'http://10.0.0.5:8080'])
  })

  it.each([
    ['one repeated letter', 'a'.repeat(32)],
    ['a template word', 'changeme-changeme-changeme-12345'],
    ['a repeated word', 'secretsecretsecretsecretsecretse'],
    ['a short random-looking key', 'Xk9Lz-T4wB8n-Yc3Hd-F6sJa-1GeU5oQ'],
  ])(
    'production refuses a weak SECRET_KEY (%s) and prints a command making a good one',
    (_n, key) => {
      const start = () =>
        loadConfig({ NODE_ENV: 'production', DATA_DIR: tmp(), SECRET_KEY: key, ...prodDb })
      expect(start).toThrow(ConfigError)
      expect(start).toThrow(/SECRET_KEY слишком слабый \(около \d+ бит, нужно не меньше 128\)/)
      expect(start).toThrow(/openssl rand -base64 48/)
    },
  )

  it('production accepts what the printed command makes and the 64 characters of install-server.sh', () => {
    for (const key of [
      randomBytes(48).toString('base64'),
      randomBytes(64).toString('base64').replace(/[/+=]/g, '').slice(0, 64),
    ]) {
      const c = loadConfig({ NODE_ENV: 'production', DATA_DIR: tmp(), SECRET_KEY: key, ...prodDb })
      expect(c.secretKey).toBe(key)
    }
  })

  it.each([
    ['a', /ADMIN_PASSWORD: Пароль не короче 10 символов/],
    ['z'.repeat(12), /ADMIN_PASSWORD: Пароль не может состоять из одного повторяющегося символа/],
    ['1234567890', /ADMIN_PASSWORD: Пароль слишком простой/],
  ])('ADMIN_PASSWORD %j is refused by the password policy', (password, message) => {
    expect(() => loadConfig({ DATA_DIR: tmp(), ADMIN_PASSWORD: password })).toThrow(message)
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        DATA_DIR: tmp(),
        SECRET_KEY: strong,
        ...prodDb,
        ADMIN_PASSWORD: password,
      }),
    ).toThrow(message)
  })

  it('reads TRUSTED_PROXIES (addresses and CIDRs) and refuses anything else', () => {
    const c = loadConfig({ DATA_DIR: tmp(), TRUSTED_PROXIES: '10.0.0.5, 172.16.0.0/12, ::1' })
    expect(c.trustedProxies).toEqual(['10.0.0.5', '172.16.0.0/12', '::1'])
    expect(loadConfig({ DATA_DIR: tmp() }).trustedProxies).toEqual([])
    for (const bad of ['nginx', '10.0.0.0/33', '10.0.0.1/8/1', '300.1.1.1']) {
      expect(() => loadConfig({ DATA_DIR: tmp(), TRUSTED_PROXIES: bad })).toThrow(
        /TRUSTED_PROXIES: «.+» — не адрес и не подсеть/,
      )
    }
  })
})

describe('Windows sign-in (KERBEROS_SPN, KRB5_KTNAME)', () => {
  it('is off without KERBEROS_SPN, on with it and the keytab', () => {
    expect(loadConfig({ DATA_DIR: tmp() }).kerberos).toBeNull()
    const c = loadConfig({
      DATA_DIR: tmp(),
      KERBEROS_SPN: 'HTTP/deltica.corp.local',
      KRB5_KTNAME: 'FILE:/etc/deltica/deltica.keytab',
    })
    expect(c.kerberos).toEqual({
      spn: 'HTTP/deltica.corp.local',
      keytab: 'FILE:/etc/deltica/deltica.keytab',
    })
  })

  it('refuses an IP address in the SPN, another form, and a missing keytab, in Russian', () => {
    const at = (spn: string, keytab?: string) => () =>
      loadConfig({ DATA_DIR: tmp(), KERBEROS_SPN: spn, KRB5_KTNAME: keytab })
    expect(at('HTTP/192.168.1.100', '/k')).toThrow(/DNS-именем сервера, а не с IP-адресом/)
    expect(at('deltica.corp.local', '/k')).toThrow(/HTTP\/<DNS-имя сервера>/)
    expect(at('HTTP/deltica.corp.local')).toThrow(ConfigError)
    expect(at('HTTP/deltica.corp.local')).toThrow(/не задан KRB5_KTNAME/)
  })
})
