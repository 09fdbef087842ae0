import { describe, expect, it } from 'vitest'
import { clientAddressResolver, proxyList } from './client-address.ts'

const xff = (value?: string) => new Headers(value ? { 'x-forwarded-for': value } : {})

describe('client address behind TRUSTED_PROXIES', () => {
  const resolve = clientAddressResolver(proxyList('10.0.0.5, 172.16.0.0/12, ::1'))

  it('believes X-Forwarded-For only from a trusted proxy', () => {
    expect(resolve('10.0.0.5', xff('198.51.100.7'))).toBe('198.51.100.7')
    expect(resolve('::ffff:10.0.0.5', xff('198.51.100.7'))).toBe('198.51.100.7')
    expect(resolve('::1', xff('2001:db8::7'))).toBe('2001:db8::7')
    expect(resolve('198.51.100.9', xff('10.0.0.1'))).toBe('198.51.100.9')
    expect(resolve('10.0.0.6', xff('198.51.100.7'))).toBe('10.0.0.6')
  })

  it('takes the right-most address that is not a trusted proxy (the left may be forged)', () => {
    expect(resolve('10.0.0.5', xff('1.2.3.4, 198.51.100.7'))).toBe('198.51.100.7')
    expect(resolve('10.0.0.5', xff('1.2.3.4, 198.51.100.7, 172.20.1.1'))).toBe('198.51.100.7')
    expect(resolve('10.0.0.5', xff('172.20.1.1, 10.0.0.5'))).toBe('172.20.1.1')
  })

  it('keeps the last vouched-for address when the header is missing or garbage', () => {
    expect(resolve('10.0.0.5', xff())).toBe('10.0.0.5')
    expect(resolve('10.0.0.5', xff('<script>'))).toBe('10.0.0.5')
    expect(resolve('10.0.0.5', xff('junk, 172.20.1.1'))).toBe('172.20.1.1')
  })

  it('without TRUSTED_PROXIES the socket address is the client', () => {
    const none = clientAddressResolver([])
    expect(none('127.0.0.1', xff('198.51.100.7'))).toBe('127.0.0.1')
    expect(none(undefined, xff('198.51.100.7'))).toBe('unknown')
  })
})
