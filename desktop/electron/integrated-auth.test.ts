import { describe, expect, it } from 'vitest'
import { integratedAuthSwitches } from './integrated-auth.ts'

describe('integratedAuthSwitches', () => {
  it('whitelists the configured server host only, never delegation', () => {
    const switches = integratedAuthSwitches('https://Deltica.corp.local:8443')
    expect(switches).toEqual([['auth-server-whitelist', 'deltica.corp.local']])
    expect(switches.map(([name]) => name)).not.toContain('auth-negotiate-delegate-whitelist')
    expect(integratedAuthSwitches('http://deltica:8000')).toEqual([
      ['auth-server-whitelist', 'deltica'],
    ])
  })

  it('sets nothing for an IP address, no server, or a URL that is not http(s)', () => {
    expect(integratedAuthSwitches('http://192.168.1.100:8000')).toEqual([])
    expect(integratedAuthSwitches('http://[::1]:8000')).toEqual([])
    expect(integratedAuthSwitches(null)).toEqual([])
    expect(integratedAuthSwitches('')).toEqual([])
    expect(integratedAuthSwitches('not a url')).toEqual([])
    expect(integratedAuthSwitches('file:///C:/deltica')).toEqual([])
  })

  it('lets no wildcard into the list', () => {
    expect(integratedAuthSwitches('http://*.corp.local')).toEqual([])
  })
})
