#!/usr/bin/env node
// Publishes a desktop client installer on the Deltica server, from where clients update
// themselves (electron-updater), or rolls the clients back to a kept release. Node 20+, no
// dependencies; run after the client build (deploy/build-electron.ps1), e.g.:
//   node deploy/publish-release.mjs --server http://deltica-server:8000 --user admin \
//     dist-electron/Deltica-Setup-1.2.0.exe
//   node deploy/publish-release.mjs --server http://deltica-server:8000 --user admin --rollback 1.1.0
// The password is read from the environment variable DELTICA_ADMIN_PASSWORD (or the one named by
// --password-env), never from the command line. The version comes from the file name unless
// --version is given. After publishing, latest.yml is fetched back and its sha512 compared with
// the local file's. Exit code 0 on success, 1 with a Russian message otherwise.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { Readable } from 'node:stream'
import { parseArgs } from 'node:util'

const USAGE = `Использование:
  node deploy/publish-release.mjs --server URL --user ЛОГИН [--version 1.2.3] ФАЙЛ_УСТАНОВЩИКА
  node deploy/publish-release.mjs --server URL --user ЛОГИН --rollback ВЕРСИЯ
Пароль — в переменной окружения DELTICA_ADMIN_PASSWORD (или указанной в --password-env).`

function fail(message) {
  console.error(`Ошибка: ${message}`)
  process.exit(1)
}

let args
try {
  args = parseArgs({
    allowPositionals: true,
    options: {
      server: { type: 'string' },
      user: { type: 'string' },
      'password-env': { type: 'string', default: 'DELTICA_ADMIN_PASSWORD' },
      version: { type: 'string' },
      rollback: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
} catch (e) {
  fail(`${e.message}\n${USAGE}`)
}
const { values, positionals } = args
if (values.help) {
  console.log(USAGE)
  process.exit(0)
}
if (!values.server || !values.user) fail(`нужны --server и --user\n${USAGE}`)
if (!values.rollback && positionals.length !== 1) fail(`укажите один файл установщика\n${USAGE}`)
const password = process.env[values['password-env']]
if (!password) fail(`пароль не задан: переменная окружения ${values['password-env']} пуста`)

const base = values.server.replace(/\/+$/, '')
const api = (path) => `${base}/api${path}`

async function call(method, path, init = {}) {
  let res
  try {
    res = await fetch(api(path), { method, ...init })
  } catch (e) {
    fail(`сервер ${base} недоступен (${e.cause?.code ?? e.message})`)
  }
  if (!res.ok) {
    const text = await res.text()
    let message = text
    try {
      message = JSON.parse(text).error ?? text
    } catch {}
    fail(`${method} ${path}: ${res.status} ${message}`)
  }
  return res
}

async function login() {
  const res = await call('POST', '/auth/login', {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: values.user, password }),
  })
  return (await res.json()).token
}

async function sha512Of(path) {
  const hash = createHash('sha512')
  for await (const chunk of createReadStream(path)) hash.update(chunk)
  return hash.digest('base64')
}

async function latestYml() {
  const text = await (await call('GET', '/releases/latest.yml')).text()
  const field = (name) => new RegExp(`^${name}: *['"]?([^'"\\n]+)`, 'm').exec(text)?.[1]
  return {
    version: field('version'),
    sha512: field('sha512'),
    rollback: field('rollback') === 'true',
  }
}

const token = await login()
const auth = { authorization: `Bearer ${token}` }

if (values.rollback) {
  const res = await call('PUT', '/releases/current', {
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ version: values.rollback }),
  })
  const state = await res.json()
  const yml = await latestYml()
  if (yml.version !== values.rollback) fail(`latest.yml сообщает версию ${yml.version}`)
  console.log(
    `Текущая версия клиента: ${state.current} (была ${state.previous})${state.rollback ? ', откат: клиенты вернутся на неё' : ''}`,
  )
  process.exit(0)
}

const file = positionals[0]
let size
try {
  const s = await stat(file)
  if (!s.isFile()) throw new Error()
  size = s.size
} catch {
  fail(`файл ${file} не найден`)
}
const name = basename(file)
const version =
  values.version ?? /(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+?)?)\.[A-Za-z0-9]+$/.exec(name)?.[1]
if (!version) fail(`в имени ${name} нет номера версии; укажите --version`)

const started = Date.now()
const res = await call(
  'PUT',
  `/releases/${encodeURIComponent(version)}/${encodeURIComponent(name)}`,
  {
    headers: {
      ...auth,
      'content-type': 'application/octet-stream',
      'content-length': String(size),
    },
    body: Readable.toWeb(createReadStream(file)),
    duplex: 'half',
  },
)
const published = await res.json()
const [local, yml] = await Promise.all([sha512Of(file), latestYml()])
if (published.release.sha512 !== local) fail('сервер получил файл с другой контрольной суммой')
if (yml.version !== version || yml.sha512 !== local) {
  fail(`latest.yml не описывает опубликованный файл (версия ${yml.version})`)
}
console.log(
  `Опубликована версия ${version}: ${name}, ${(size / 1024 / 1024).toFixed(1)} МиБ за ${((Date.now() - started) / 1000).toFixed(1)} с; ` +
    `предыдущая ${published.previous ?? '—'} сохранена для отката.`,
)
