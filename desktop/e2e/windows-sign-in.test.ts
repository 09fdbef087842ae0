// Windows sign-in in the real client against a real KDC (test/kdc.ts) and the real server, the
// client on another origin than the server (CORS with credentials): the sign-in screen signs in
// by itself; after a logout it offers «Войти через Windows»; when no ticket comes it falls back
// to the form. Debian's headless Chromium does not offer Negotiate itself here (its net-log shows
// ERR_UNSUPPORTED_AUTH_SCHEME even with --auth-server-allowlist), so the test plays Chromium's
// part: it intercepts the client's POST /api/auth/negotiate and adds the user's SPNEGO token, made
// by the `kerberos` module from the user's kinit ticket, as Chromium's integrated authentication
// does. Skipped with the printed reason when the KDC programs or the native module are missing.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kdcMissing, startKdc, type Kdc } from '../../test/kdc.ts'
import { browser, startStack, staticServer, type Stack } from './stack.ts'

const missing = await kdcMissing()
if (missing) console.warn(`[вход через Windows] браузерный тест пропущен: ${missing}`)

describe.skipIf(missing)('Windows sign-in in the client (real KDC, real Chromium)', () => {
  let kdc: Kdc
  let stack: Stack
  let site: Awaited<ReturnType<typeof staticServer>>
  let cache: string
  let server: string

  beforeAll(async () => {
    kdc = await startKdc()
    kdc.useIn(process.env)
    const keytab = join(kdc.dir, 'http.keytab')
    kdc.addService('HTTP/localhost', keytab)
    kdc.addUser('ivanova', 'ivanova-Pa55word')
    cache = kdc.kinit('ivanova', 'ivanova-Pa55word')
    site = await staticServer()
    stack = await startStack({
      corsOrigins: [site.url],
      env: { ...kdc.env, KERBEROS_SPN: 'HTTP/localhost', KRB5_KTNAME: `FILE:${keytab}` },
    })
    await stack.makeUser({ username: 'ivanova', role: 'laborant', department: 'gtl' })
    await stack.sql`update users set windows_username = ${'DELTICA\\ivanova'}
                    where username = 'ivanova'`
    server = stack.url.replace('127.0.0.1', 'localhost') // Kerberos needs the DNS name
  })
  afterAll(async () => {
    await stack?.stop()
    await site?.close()
    await kdc?.stop()
  })

  /** Chromium's integrated authentication: a fresh SPNEGO token of the kinit'ed user */
  async function spnego() {
    const k = (await import('kerberos' as string)) as {
      initializeClient(s: string, o: object): Promise<{ step(c: string): Promise<string> }>
      GSS_MECH_OID_SPNEGO: unknown
    }
    process.env.KRB5CCNAME = cache
    const client = await k.initializeClient('HTTP@localhost', { mechOID: k.GSS_MECH_OID_SPNEGO })
    return client.step('')
  }

  /** the client opened on its own origin, pointed at the server by name */
  async function open(withTicket: boolean) {
    const b = await browser()
    if (withTicket)
      await b.page.route('**/api/auth/negotiate', async (route) => {
        if (route.request().method() !== 'POST') return route.continue()
        const headers = {
          ...route.request().headers(),
          authorization: `Negotiate ${await spnego()}`,
        }
        return route.continue({ headers })
      })
    await b.page.goto(site.url)
    await b.page.waitForSelector('[data-testid=server-setup]')
    await b.page.fill('input[name=server]', server)
    await b.page.click('button[type=submit]')
    return b
  }

  it('signs in by itself, offers «Войти через Windows» after a logout', async () => {
    const b = await open(true)
    try {
      const { page } = b
      await page.waitForSelector('[data-testid=found]', { timeout: 20_000 })
      expect(await page.evaluate(() => localStorage.getItem('deltica.session'))).toContain(
        '"username":"ivanova"',
      )
      const [row] = await stack.sql<{ changes: { method: string } }[]>`
        select changes from audit_log where action = 'login_success' and username = 'ivanova'`
      expect(row.changes.method).toBe('kerberos')

      // a logout: the sign-in screen stays, offering «Войти через Windows»
      await page.click('[data-testid=profile]')
      await page.locator('.menu [role=menuitem]', { hasText: 'Выйти' }).click()
      await page.waitForSelector('[data-testid=login]')
      const button = page.locator('[data-testid=login-windows]')
      await expect.poll(() => button.textContent()).toContain('Войти через Windows')
      await button.click()
      await page.waitForSelector('[data-testid=found]', { timeout: 20_000 })
    } finally {
      await b.close()
    }
  })

  it('falls back to the form when no Kerberos ticket comes', async () => {
    const b = await open(false)
    try {
      const { page } = b
      await page.waitForSelector('[data-testid=login]')
      await expect
        .poll(() => page.locator('[role=alert]').textContent(), { timeout: 20_000 })
        .toContain('Windows не подтвердил вход')
      expect(await page.locator('[data-testid=login-windows]').count()).toBe(1)
      expect(await page.locator('input[name=password]').count()).toBe(1)
    } finally {
      await b.close()
    }
  })
})
