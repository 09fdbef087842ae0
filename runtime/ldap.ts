// The LDAP connection (ldapts): the domain's servers tried in order, ldaps:// or ldap:// upgraded
// with StartTLS, the certificate checked against the admin's CA file, every operation under a
// timeout. A server that cannot be reached or whose certificate fails is "unavailable" (the
// next one is tried); a refused bind is an answer, with AD's message and ppolicy's error.
import { readFile } from 'node:fs/promises'
import type { ConnectionOptions } from 'node:tls'
import { Client, Control, ResultCodeError, type BerReader } from 'ldapts'

export interface LdapTarget {
  urls: string[]
  starttls: boolean
  /** PEM file of the CA; '' = the system's CAs */
  caFile: string
  timeoutMs: number
}

type BindAnswer =
  { ok: true } | { ok: false; code: number; message: string; ppolicyError: number | null }

interface LdapEntry {
  dn: string
  /** attribute names lower-cased, every value a string */
  attrs: Record<string, string[]>
}

export interface LdapConnection {
  /** the server that answered */
  url: string
  bind(dn: string, password: string): Promise<BindAnswer>
  search(
    base: string,
    filter: string,
    attributes: string[],
    sizeLimit: number,
  ): Promise<LdapEntry[]>
}

/** No server of the list answered (down, refused, timed out, its certificate not trusted). */
export class LdapUnavailable extends Error {
  readonly causes: string[]
  constructor(causes: string[]) {
    super(`LDAP unavailable: ${causes.join('; ')}`)
    this.causes = causes
  }
}

const PPOLICY_OID = '1.3.6.1.4.1.42.2.27.8.5.1'

/** The password policy request control; the server's answer is parsed into `error`. */
class PasswordPolicyControl extends Control {
  error: number | null = null
  constructor() {
    super(PPOLICY_OID)
  }
  protected override parseControl(reader: BerReader): void {
    this.error = ppolicyError(reader.remainingBuffer)
  }
}

/** The `error [1] ENUMERATED` of a PasswordPolicyResponseValue (a BER SEQUENCE), or null. */
function ppolicyError(value: Buffer): number | null {
  const length = (at: number): [number, number] => {
    const first = value[at]
    if (first < 0x80) return [first, at + 1]
    const n = first & 0x7f
    let len = 0
    for (let i = 1; i <= n; i++) len = len * 256 + value[at + i]
    return [len, at + 1 + n]
  }
  if (value[0] !== 0x30) return null
  let [end, at] = length(1)
  end += at
  while (at < end && at < value.length) {
    const tag = value[at]
    const [len, start] = length(at + 1)
    if (tag === 0x81 && len >= 1) return value[start]
    at = start + len
  }
  return null
}

const describe = (e: unknown) =>
  e instanceof Error ? `${(e as { code?: string }).code ?? e.name}: ${e.message}` : String(e)

function connection(client: Client, url: string): LdapConnection {
  return {
    url,
    async bind(dn, password) {
      const policy = new PasswordPolicyControl()
      try {
        await client.bind(dn, password, policy)
        return { ok: true }
      } catch (e) {
        if (!(e instanceof ResultCodeError)) throw new LdapUnavailable([`${url}: ${describe(e)}`])
        return { ok: false, code: e.code, message: e.message, ppolicyError: policy.error }
      }
    },
    async search(base, filter, attributes, sizeLimit) {
      const { searchEntries } = await client
        .search(base, { scope: 'sub', filter, attributes, sizeLimit })
        .catch((e: unknown) => {
          if (e instanceof ResultCodeError) throw e
          throw new LdapUnavailable([`${url}: ${describe(e)}`])
        })
      return searchEntries.map(({ dn, ...rest }) => ({
        dn,
        attrs: Object.fromEntries(
          Object.entries(rest).map(([k, v]) => [
            k.toLowerCase(),
            (Array.isArray(v) ? v : [v]).map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : x)),
          ]),
        ),
      }))
    },
  }
}

/**
 * Runs `fn` on a connection to the first server that answers, closed afterwards. A server that
 * fails before `fn` starts (connection, TLS) is skipped; none left → LdapUnavailable.
 */
export async function withLdap<T>(
  target: LdapTarget,
  fn: (conn: LdapConnection) => Promise<T>,
): Promise<T> {
  if (!target.urls.length) throw new LdapUnavailable(['не указан адрес сервера'])
  const tlsOptions: ConnectionOptions = { rejectUnauthorized: true, minVersion: 'TLSv1.2' }
  if (target.caFile) {
    try {
      tlsOptions.ca = [await readFile(target.caFile)]
    } catch (e) {
      throw new LdapUnavailable([`файл сертификата ЦС ${target.caFile}: ${describe(e)}`])
    }
  }
  const causes: string[] = []
  for (const url of target.urls) {
    const ldaps = url.toLowerCase().startsWith('ldaps:')
    // ldapts speaks TLS from the start whenever it has tlsOptions: only for ldaps://
    const client = new Client({
      url,
      timeout: target.timeoutMs,
      connectTimeout: target.timeoutMs,
      ...(ldaps ? { tlsOptions: { ...tlsOptions } } : {}),
    })
    try {
      try {
        // startTLS writes the plain socket into the options it is given: a copy
        if (!ldaps && target.starttls) await client.startTLS({ ...tlsOptions })
      } catch (e) {
        causes.push(`${url}: ${describe(e)}`)
        continue
      }
      try {
        return await fn(connection(client, url))
      } catch (e) {
        // ldaps:// connects at the first operation: a failure there is the server's, not fn's
        if (e instanceof LdapUnavailable) {
          causes.push(...e.causes)
          continue
        }
        throw e
      }
    } finally {
      await client.unbind().catch(() => {})
    }
  }
  throw new LdapUnavailable(causes)
}
