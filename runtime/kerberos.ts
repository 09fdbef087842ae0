// Windows single sign-on's native side: the optional npm module `kerberos` (MongoDB's, built
// against libkrb5 when Debian's libkrb5-dev was there at `npm install`; without it npm skips the
// module and SSO reports itself unavailable) loaded once, and the GSS accept step of one
// SPNEGO/Kerberos token against the keytab that libkrb5 reads from KRB5_KTNAME. The acceptor is
// bound to the configured service (HTTP/<DNS name>): a ticket for any other service in the same
// keytab is refused. MIT's replay cache (KRB5RCACHEDIR, /var/tmp by default) refuses a token seen
// before.

import { accessSync, constants } from 'node:fs'

/** The part of the `kerberos` module used here (typed locally: it may be absent). */
interface KerberosModule {
  initializeServer(service: string): Promise<{
    username: string
    response: string
    contextComplete: boolean
    step(challenge: string): Promise<string>
  }>
}

/** Why a token was refused: replayed, for another service, or anything else (forged, expired). */
export type Refusal = 'replay' | 'wrong_service' | 'invalid'

export class GssRefused extends Error {
  readonly refusal: Refusal
  constructor(refusal: Refusal, message: string) {
    super(message)
    this.refusal = refusal
  }
}

/** The keytab holds no usable key for the configured service: the server is misconfigured. */
export class GssConfigError extends Error {}

interface Accepted {
  /** the client's principal as GSS displays it: user@REALM */
  principal: string
  /** the acceptor's answer token (mutual authentication), base64, if any */
  response: string | null
}

export type Sso =
  | { ok: true; accept(token: string, spn: string): Promise<Accepted> }
  | { ok: false; reason: string }

/** 'HTTP/deltica.corp.local' → GSS's host-based name 'HTTP@deltica.corp.local'. */
const hostBased = (spn: string) => spn.replace('/', '@')

export function classifyGssError(message: string): Refusal {
  if (/replay/i.test(message)) return 'replay'
  if (
    /wrong principal|does not match server principal|not found in keytab|no key table entry/i.test(
      message,
    )
  )
    return 'wrong_service'
  return 'invalid'
}

function acceptorOf(k: KerberosModule): Sso {
  return {
    ok: true,
    async accept(token, spn) {
      let server: Awaited<ReturnType<KerberosModule['initializeServer']>>
      try {
        server = await k.initializeServer(hostBased(spn))
      } catch (error) {
        throw new GssConfigError(String((error as Error).message ?? error))
      }
      try {
        await server.step(token)
      } catch (error) {
        const message = String((error as Error).message ?? error)
        throw new GssRefused(classifyGssError(message), message)
      }
      if (!server.contextComplete || !server.username)
        throw new GssRefused('invalid', 'the GSS context did not complete in one step')
      return { principal: server.username, response: server.response || null }
    },
  }
}

// a variable, so that TypeScript and bundlers do not require the optional module to exist
const MODULE = 'kerberos'

/** Loads the native module (or the given loader's, in tests); the reason in Russian when absent. */
export async function loadKerberos(
  load: () => Promise<unknown> = () => import(MODULE),
  platform: NodeJS.Platform = process.platform,
): Promise<Sso> {
  // the module's server side exists for libkrb5 only (its Windows build throws "not implemented")
  if (platform === 'win32')
    return {
      ok: false,
      reason:
        'сервер Deltica под Windows не принимает билеты Kerberos (нужен сервер Linux или Docker)',
    }
  try {
    const mod = (await load()) as KerberosModule & { default?: KerberosModule }
    const k = typeof mod.initializeServer === 'function' ? mod : mod.default
    if (!k || typeof k.initializeServer !== 'function')
      return { ok: false, reason: 'модуль kerberos не подходит (нет initializeServer)' }
    return acceptorOf(k)
  } catch (error) {
    const e = error as { code?: string; message?: string }
    if (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND')
      return {
        ok: false,
        reason:
          'модуль kerberos не установлен (при npm install не было пакета libkrb5-dev; установите его и выполните npm rebuild kerberos)',
      }
    return {
      ok: false,
      reason: `модуль kerberos не загрузился (нет библиотеки libkrb5?): ${String(e.message ?? error).split('\n')[0]}`,
    }
  }
}

/** Why the keytab (KRB5_KTNAME: a path or FILE:path) cannot be read, in Russian, or null. */
export function keytabProblem(keytab: string): string | null {
  const path = keytab.replace(/^(FILE|WRFILE):/i, '')
  if (/^[A-Z]+:/.test(path)) return null // another keytab type (MEMORY:, …): libkrb5 decides
  try {
    accessSync(path, constants.R_OK)
    return null
  } catch (error) {
    return (error as { code?: string }).code === 'ENOENT'
      ? `файл ключей ${path} (KRB5_KTNAME) не найден`
      : `файл ключей ${path} (KRB5_KTNAME) недоступен для чтения серверу`
  }
}

let loaded: Promise<Sso> | undefined

/** The process's native module, loaded on first use. */
export function kerberos(): Promise<Sso> {
  loaded ??= loadKerberos()
  return loaded
}
