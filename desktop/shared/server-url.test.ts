import { describe, expect, it } from 'vitest'
import { isDelticaHealth, normalizeServerUrl } from './server-url.ts'

describe('normalizeServerUrl', () => {
  it.each([
    ['192.168.1.100', 'http://192.168.1.100:8000'],
    ['  deltica-server.local  ', 'http://deltica-server.local:8000'],
    ['deltica-server.local:9000', 'http://deltica-server.local:9000'],
    ['http://10.0.0.5', 'http://10.0.0.5:8000'],
    ['http://10.0.0.5:80/', 'http://10.0.0.5'],
    ['HTTP://Server.Local:8000/api/health?x=1', 'http://server.local:8000'],
    ['https://deltica.example.ru', 'https://deltica.example.ru'],
    ['https://deltica.example.ru:8443/', 'https://deltica.example.ru:8443'],
    ['localhost', 'http://localhost:8000'],
    ['[::1]', 'http://[::1]:8000'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeServerUrl(input)).toBe(expected)
  })

  it.each([
    ['', 'Введите адрес сервера'],
    ['   ', 'Введите адрес сервера'],
    ['ftp://server', 'Адрес должен начинаться с http:// или https://'],
    ['file:///etc/passwd', 'Адрес должен начинаться с http:// или https://'],
    ['http://user:pw@server', 'Адрес сервера не должен содержать логин и пароль'],
    ['serv er', 'Не удаётся разобрать адрес сервера'],
    ['http://', 'Не удаётся разобрать адрес сервера'],
  ])('refuses %j', (input, message) => {
    expect(() => normalizeServerUrl(input)).toThrow(message)
  })
})

describe('isDelticaHealth', () => {
  it('accepts the health answer and nothing else', () => {
    expect(isDelticaHealth({ status: 'ok', db: 'ok', version: '0.1.0' })).toBe(true)
    expect(isDelticaHealth({ status: 'error', version: '0.1.0' })).toBe(false)
    expect(isDelticaHealth({ status: 'ok' })).toBe(false)
    expect(isDelticaHealth('<html>')).toBe(false)
    expect(isDelticaHealth(null)).toBe(false)
  })
})
