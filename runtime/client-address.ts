// The client's address: the socket's, or — when the socket is one of TRUSTED_PROXIES — the
// right-most address of X-Forwarded-For that is not a trusted proxy (each proxy appends the
// address it saw, so everything left of the first untrusted hop may be made up by the client).
import { BlockList, isIP } from 'node:net'

/** '::ffff:10.0.0.1' → '10.0.0.1'; anything else as it is. */
const plain = (address: string) => address.trim().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1')

/** Parses TRUSTED_PROXIES ("10.0.0.5, 172.16.0.0/12, ::1"); throws a Russian message on a bad item. */
export function proxyList(value: string | undefined): string[] {
  const items = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  for (const item of items) {
    const [address, prefix, extra] = item.split('/')
    const family = isIP(address)
    const bits = family === 4 ? 32 : 128
    const badPrefix =
      prefix !== undefined && (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits || extra)
    if (!family || badPrefix) {
      throw new Error(`«${item}» — не адрес и не подсеть (пример: 10.0.0.5, 172.16.0.0/12)`)
    }
  }
  return items
}

/** Whether a socket address is one of TRUSTED_PROXIES (addresses and subnets). */
export function proxyMatcher(trustedProxies: string[]): (address: string | undefined) => boolean {
  const trusted = new BlockList()
  for (const item of trustedProxies) {
    const [address, prefix] = item.split('/')
    const family = isIP(address) === 4 ? 'ipv4' : 'ipv6'
    if (prefix === undefined) trusted.addAddress(address, family)
    else trusted.addSubnet(address, Number(prefix), family)
  }
  return (socketAddress) => {
    const address = plain(socketAddress ?? '')
    const family = isIP(address)
    return family !== 0 && trusted.check(address, family === 4 ? 'ipv4' : 'ipv6')
  }
}

/** A function giving the client address of a request from its socket address and headers. */
export function clientAddressResolver(trustedProxies: string[]) {
  const isTrusted = proxyMatcher(trustedProxies)

  return (socketAddress: string | undefined, headers: Headers): string => {
    let client = plain(socketAddress ?? 'unknown')
    if (!trustedProxies.length || !isTrusted(client)) return client
    const hops = (headers.get('x-forwarded-for') ?? '').split(',').map(plain).reverse()
    for (const hop of hops) {
      if (!isIP(hop)) break // garbage: keep the last address a trusted proxy vouched for
      client = hop
      if (!isTrusted(hop)) break
    }
    return client
  }
}
