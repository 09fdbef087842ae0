import { describe, expect, it } from 'vitest'
import {
  contentSecurityPolicy,
  devToolsAllowed,
  isAllowedNavigation,
  isOpenableDocument,
  isTrustedSender,
  safeFileName,
} from './security.ts'

describe('IPC sender check', () => {
  it('trusts the bundled renderer only', () => {
    expect(isTrustedSender('app://deltica/index.html')).toBe(true)
    expect(isTrustedSender('app://deltica/index.html#/archive')).toBe(true)
    expect(isTrustedSender('app://evil/index.html')).toBe(false)
    expect(isTrustedSender('http://192.168.1.100:8000/')).toBe(false)
    expect(isTrustedSender('https://example.com/')).toBe(false)
    expect(isTrustedSender('about:blank')).toBe(false)
    expect(isTrustedSender('file:///C:/index.html')).toBe(false)
    expect(isTrustedSender('')).toBe(false)
    expect(isTrustedSender(undefined)).toBe(false)
    expect(isTrustedSender('not a url')).toBe(false)
  })

  it('trusts the dev server only when one is configured', () => {
    expect(isTrustedSender('http://localhost:5173/', 'http://localhost:5173')).toBe(true)
    expect(isTrustedSender('http://localhost:5173/')).toBe(false)
    expect(isTrustedSender('http://localhost:5174/', 'http://localhost:5173')).toBe(false)
  })

  it('locks navigation the same way', () => {
    expect(isAllowedNavigation('app://deltica/index.html')).toBe(true)
    expect(isAllowedNavigation('https://phishing.example/')).toBe(false)
  })
})

describe('DevTools policy', () => {
  it('is off in a packaged build whatever the environment says', () => {
    expect(devToolsAllowed({ isPackaged: true, env: { NODE_ENV: 'development' } })).toBe(false)
    expect(devToolsAllowed({ isPackaged: true, env: { DELTICA_DEVTOOLS: '1' } })).toBe(false)
  })
  it('is on in development only when asked for', () => {
    expect(devToolsAllowed({ isPackaged: false, env: {} })).toBe(false)
    expect(devToolsAllowed({ isPackaged: false, env: { NODE_ENV: 'production' } })).toBe(false)
    expect(devToolsAllowed({ isPackaged: false, env: { NODE_ENV: 'development' } })).toBe(true)
    expect(devToolsAllowed({ isPackaged: false, env: { DELTICA_DEVTOOLS: '1' } })).toBe(true)
  })
})

describe('CSP', () => {
  it('lets the page connect to the saved server only', () => {
    const csp = contentSecurityPolicy('http://192.168.1.100:8000')
    expect(csp).toContain("connect-src 'self' http://192.168.1.100:8000;")
    expect(csp).toContain("script-src 'self';")
    expect(csp).toContain("object-src 'none'")
    expect(csp).not.toContain('unsafe-eval')
  })
  it('allows no server before one is saved', () => {
    expect(contentSecurityPolicy(null)).toContain("connect-src 'self';")
  })
})

describe('documents handed to the system', () => {
  it('keeps Cyrillic names and strips path tricks', () => {
    expect(safeFileName('Этикетки_12_шт.pdf')).toBe('Этикетки_12_шт.pdf')
    expect(safeFileName('../../evil.docx')).toBe('_.._evil.docx')
    expect(safeFileName('a/b\\c:d*e?.pdf')).toBe('a_b_c_d_e_.pdf')
    expect(safeFileName('')).toBe('document')
  })
  it('opens only document types', () => {
    expect(isOpenableDocument('Акт.docx')).toBe(true)
    expect(isOpenableDocument('scan.PDF')).toBe(true)
    expect(isOpenableDocument('setup.exe')).toBe(false)
    expect(isOpenableDocument('run.bat')).toBe(false)
    expect(isOpenableDocument('x.pdf.lnk')).toBe(false)
  })
})
