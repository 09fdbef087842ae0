// The Windows domain in the client, against a real slapd (test/slapd.ts): the admin fills the
// «Домен Windows» group, checks the connection and looks a user up without his password, saves;
// the domain user then signs in with CORP\user and his Windows password, and the users screen
// shows how each user signs in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import {
  BASE_DN,
  SERVICE_DN,
  SERVICE_PASSWORD,
  slapdMissing,
  startSlapd,
  type Slapd,
} from '../../test/slapd.ts'
import { browser, login, startStack, type Stack } from './stack.ts'

const missing = slapdMissing()
if (missing) console.warn(missing)
const DOMAIN_PASSWORD = 'Domain-Pa55!'

describe.skipIf(missing)('«Домен Windows» (real slapd)', () => {
  let ldap: Slapd
  let stack: Stack
  let admin: Awaited<ReturnType<typeof browser>>
  let page: Page

  beforeAll(async () => {
    ldap = await startSlapd(
      [
        {
          sam: 'ivanov',
          password: DOMAIN_PASSWORD,
          groups: ['deltica-lab', 'dept-gtl'],
          displayName: 'Иванов Иван',
        },
      ],
      ['deltica-lab', 'dept-gtl'],
    )
    // the server process takes the service account's password from its environment
    process.env.LDAP_BIND_PASSWORD = SERVICE_PASSWORD
    stack = await startStack()
    delete process.env.LDAP_BIND_PASSWORD
    admin = await browser()
    page = admin.page
    await page.goto(stack.url)
    await page.waitForSelector('[data-testid=login]')
    await login(page, 'admin')
    await page.waitForSelector('[data-testid=grid] revo-grid')
  })
  afterAll(async () => {
    await admin?.close()
    await stack?.stop()
    await ldap?.stop()
  })

  it('the admin sets the domain up, checks it and looks a user up', async () => {
    await page.goto(`${stack.url}/#/settings`)
    const group = page.locator('[data-testid=directory-settings]')
    await group.waitFor()
    await group.locator('input[name="directory.enabled"]').check()
    await group.locator('textarea[name="directory.urls"]').fill(ldap.url)
    await group.locator('input[name="directory.ca_file"]').fill(ldap.caFile)
    await group.locator('input[name="directory.base_dn"]').fill(BASE_DN)
    await group.locator('input[name="directory.bind_dn"]').fill(SERVICE_DN)
    await group.locator('input[name="directory.domain"]').fill('CORP')
    await group.locator('input[name="directory.create_users"]').check()
    await group.locator('textarea[name="directory.role_groups"]').fill('deltica-lab | лаборант')
    await group.locator('textarea[name="directory.department_groups"]').fill('dept-gtl | gtl')
    await group.locator('textarea[name="directory.department_groups"]').blur()

    await page.click('[data-testid=directory-check]')
    await expect
      .poll(() => page.locator('[data-testid=directory-check-result]').textContent())
      .toMatch(/Подключение к ldap:\/\/127\.0\.0\.1:\d+ установлено/)

    await page.fill('input[name=directory_lookup]', 'CORP\\ivanov')
    await page.click('[data-testid=directory-lookup]')
    const result = page.locator('[data-testid=directory-lookup-result]')
    await expect
      .poll(() => result.textContent())
      .toMatch(/Роль в Deltica: Лаборант; подразделение: ГТЛ/)
    expect(await result.textContent()).toContain(`cn=deltica-lab,ou=groups,${BASE_DN}`)
    expect(await result.textContent()).toContain('будет создан при первом входе')

    await page.click('[data-testid=save-settings]')
    const token = await stack.token('admin')
    await expect
      .poll(
        async () => (await stack.api('GET', '/api/settings', token)).body.values.directory.enabled,
      )
      .toBe(true)
  })

  it('the domain user signs in with CORP\\user; the users screen shows the method', async () => {
    const user = await browser()
    try {
      await user.page.goto(stack.url)
      await user.page.waitForSelector('[data-testid=login]')
      await login(user.page, 'CORP\\ivanov', 'wrong-password')
      await expect.poll(() => user.page.textContent('body')).toContain('Неверный логин или пароль')
      await login(user.page, 'CORP\\ivanov', DOMAIN_PASSWORD)
      await user.page.waitForSelector('[data-testid=grid] revo-grid')
    } finally {
      await user.close()
    }
    await page.goto(`${stack.url}/#/users`)
    const row = page.locator('tr[data-username=ivanov]')
    await row.waitFor()
    expect(await row.locator('[data-testid=sign-in-method]').textContent()).toBe('Пароль Windows')
    expect(await row.locator('input[name=windows_username]').inputValue()).toBe('CORP\\ivanov')
  })
})
