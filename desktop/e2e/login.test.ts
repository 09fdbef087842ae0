// Browser tests: first run (server address), the client on a different origin than the API
// (CORS/CSP path), sign-in errors, admin and laborant views of the register.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedEquipment } from './seed.ts'
import {
  browser,
  login,
  SCREENSHOTS,
  startStack,
  staticServer,
  USER_PASSWORD,
  type Stack,
} from './stack.ts'

let stack: Stack
let site: Awaited<ReturnType<typeof staticServer>>

beforeAll(async () => {
  site = await staticServer()
  stack = await startStack({ corsOrigins: [site.url] })
  await seedEquipment(stack.sql, 300)
  await stack.makeUser({
    username: 'lab.gtl',
    role: 'laborant',
    department: 'gtl',
    full_name: 'Петрова Анна',
  })
  mkdirSync(SCREENSHOTS, { recursive: true })
})
afterAll(async () => {
  await stack?.stop()
  await site?.close()
})

describe('first run and sign-in', () => {
  it('asks for the server, refuses a wrong one, checks health, and works cross-origin', async () => {
    const b = await browser()
    try {
      const { page } = b
      await page.goto(site.url)
      await page.waitForSelector('[data-testid=server-setup]')
      const input = page.locator('input[name=server]')
      expect(await input.inputValue()).toBe('http://deltica-server.local:8000') // VITE_API_URL
      await page.screenshot({ path: join(SCREENSHOTS, 'first-run.png') })

      // a port where nothing listens → unreachable, nothing saved
      await input.fill('127.0.0.1:9')
      await page.click('button[type=submit]')
      await expect.poll(() => page.locator('[role=alert]').textContent()).toContain('недоступен')

      // the static site itself is not a Deltica server
      await input.fill(site.url)
      await page.click('button[type=submit]')
      await expect
        .poll(() => page.locator('[role=alert]').textContent())
        .toContain('не сервер Deltica')

      // the real server, typed without a scheme: http:// is added, the port kept
      await input.fill(stack.url.replace('http://', ''))
      await page.click('button[type=submit]')
      await page.waitForSelector('[data-testid=login]')
      expect(await page.evaluate(() => localStorage.getItem('deltica.server'))).toBe(stack.url)

      await login(page, 'admin', 'wrong-password')
      await expect
        .poll(() => page.locator('[role=alert]').textContent())
        .toBe('Неверный логин или пароль')
      await page.screenshot({ path: join(SCREENSHOTS, 'login-error.png') })

      await login(page, 'admin')
      await page.waitForSelector('[data-testid=grid] revo-grid')
      await expect
        .poll(() => page.locator('[data-testid=found]').textContent())
        .toBe('Найдено: 300 из 300')

      // the session is kept across a reload
      await page.reload()
      await page.waitForSelector('[data-testid=grid] revo-grid')
    } finally {
      await b.close()
    }
  })

  it('shows the lockout message after repeated failures', async () => {
    await stack.makeUser({ username: 'victim', role: 'laborant', department: 'lbr' })
    const b = await browser()
    try {
      const { page } = b
      await page.goto(stack.url)
      await page.waitForSelector('[data-testid=login]')
      for (let i = 0; i < 5; i++) {
        await login(page, 'victim', 'wrong-password')
        await page.waitForSelector('[role=alert]')
      }
      await login(page, 'victim', 'wrong-password')
      await expect.poll(() => page.locator('[role=alert]').textContent()).toContain('заблокирована')
    } finally {
      await b.close()
    }
  })
})

describe('password change', () => {
  it('changes the own password from the profile menu; the new one signs in', async () => {
    await stack.makeUser({ username: 'lab.ltr', role: 'laborant', department: 'ltr' })
    const b = await browser()
    try {
      const { page } = b
      await page.goto(stack.url)
      await page.waitForSelector('[data-testid=login]')
      await login(page, 'lab.ltr')
      await page.waitForSelector('[data-testid=grid] revo-grid')
      await page.click('[data-testid=profile]')
      await page.locator('.menu button', { hasText: 'Сменить пароль' }).click()
      const dialog = page.locator('[data-testid=password-dialog]')
      await dialog.locator('input[name=current]').fill(USER_PASSWORD)
      await dialog.locator('input[name=next]').fill('new-secret-42')
      await dialog.locator('input[name=repeat]').fill('new-secret-4')
      await dialog.locator('button[type=submit]').click()
      // said at the field it concerns
      await expect
        .poll(() =>
          dialog
            .locator('label.field.invalid', { has: page.locator('input[name=repeat]') })
            .locator('.error-text')
            .textContent(),
        )
        .toContain('не совпадают')
      await dialog.locator('input[name=repeat]').fill('new-secret-42')
      await dialog.locator('button[type=submit]').click()
      await expect.poll(() => dialog.count()).toBe(0)
      await expect
        .poll(() =>
          stack.token('lab.ltr', 'new-secret-42').then(
            () => true,
            () => false,
          ),
        )
        .toBe(true)
      // the session continues with the new token
      await page.reload()
      await page.waitForSelector('[data-testid=grid] revo-grid')
    } finally {
      await b.close()
    }
  })
})
