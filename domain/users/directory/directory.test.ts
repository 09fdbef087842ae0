import { describe, expect, it } from 'vitest'
import { DIRECTORY_DEFAULT, escapeFilterValue, parseWindowsLogin, userFilter } from './config.ts'
import { adRefusal, ppolicyRefusal } from './refusals.ts'

const config = { ...DIRECTORY_DEFAULT, domain: 'CORP', upn_suffix: 'corp.example.ru' }

describe('AD bind refusals', () => {
  // messages as Windows Server 2016–2022 domain controllers send them with result 49
  const recorded: [string, string][] = [
    [
      '80090308: LdapErr: DSID-0C090447, comment: AcceptSecurityContext error, data 52e, v3839',
      'wrong_password',
    ],
    [
      '80090308: LdapErr: DSID-0C09042A, comment: AcceptSecurityContext error, data 525, v4563',
      'wrong_password',
    ],
    [
      '80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 532, v2580',
      'password_expired',
    ],
    [
      '80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 533, v2580',
      'disabled',
    ],
    [
      '80090308: LdapErr: DSID-0C090439, comment: AcceptSecurityContext error, data 701, v4563',
      'account_expired',
    ],
    [
      '80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 773, v1db1',
      'must_change',
    ],
    [
      '80090308: LdapErr: DSID-0C09042F, comment: AcceptSecurityContext error, data 775, v2580',
      'locked',
    ],
    [
      '80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 530, v1db1',
      'restricted',
    ],
    [
      '80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 531, v1db1',
      'restricted',
    ],
    ['Invalid Credentials', 'wrong_password'],
    ['', 'wrong_password'],
  ]
  it.each(recorded)('%s → %s', (message, refusal) => {
    expect(adRefusal(message)).toBe(refusal)
  })

  it('reads the ppolicy response error', () => {
    expect(ppolicyRefusal(0)).toBe('password_expired')
    expect(ppolicyRefusal(1)).toBe('locked')
    expect(ppolicyRefusal(2)).toBe('must_change')
    expect(ppolicyRefusal(null)).toBeNull()
    expect(ppolicyRefusal(5)).toBeNull()
  })
})

describe('the typed login', () => {
  it('takes DOMAIN\\user, user@domain and user', () => {
    expect(parseWindowsLogin('CORP\\ivanov', config)).toEqual({
      user: 'ivanov',
      upn: 'ivanov@corp.example.ru',
    })
    expect(parseWindowsLogin('ivanov@corp.example.ru', config)).toEqual({
      user: 'ivanov',
      upn: 'ivanov@corp.example.ru',
    })
    expect(parseWindowsLogin(' ivanov ', config)).toEqual({
      user: 'ivanov',
      upn: 'ivanov@corp.example.ru',
    })
    expect(parseWindowsLogin('CORP\\', config)).toBeNull()
    expect(parseWindowsLogin('\\ivanov', config)).toBeNull()
    expect(parseWindowsLogin('@corp', config)).toBeNull()
    expect(parseWindowsLogin('ivanov@', config)).toBeNull()
  })

  it('escapes filter values per RFC 4515', () => {
    expect(escapeFilterValue('*')).toBe('\\2a')
    expect(escapeFilterValue('a)(uid=*')).toBe('a\\29\\28uid=\\2a')
    expect(escapeFilterValue('a\\b')).toBe('a\\5cb')
    expect(escapeFilterValue('a\0b')).toBe('a\\00b')
    expect(escapeFilterValue('Иван')).toBe('\\d0\\98\\d0\\b2\\d0\\b0\\d0\\bd')
    expect(userFilter(config, { user: '*)(cn=*', upn: 'x' })).toBe(
      '(&(objectClass=user)(|(sAMAccountName=\\2a\\29\\28cn=\\2a)(userPrincipalName=x)))',
    )
  })
})
