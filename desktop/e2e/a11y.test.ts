// The accessibility check over every screen: axe-core run in Chromium on each
// screen, dialog, drawer and menu, as the admin and as a laborant, with the sign-in and first-run
// pages; no serious or critical violation may remain. Every finding is listed at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { seriousViolations, type Violation } from './axe.ts'
import { seedEquipment } from './seed.ts'
import { browser, login, startStack, type Stack } from './stack.ts'

let stack: Stack
const found: Record<string, Violation[]> = {}

beforeAll(async () => {
  stack = await startStack()
  await seedEquipment(stack.sql, 120)
  await stack.makeUser({ username: 'lab.gtl', role: 'laborant', department: 'gtl' })
  const token = await stack.token('admin')
  // something in the archive, a pinned document and a contract, so their tables have rows
  await stack.api('POST', '/api/archive', token, { equipment_id: 3, reason: 'Утеря' })
  await stack.api('POST', '/api/contracts', token, {
    executor_name: 'ФБУ «Тюменский ЦСМ»',
    contract_number: '45-ТЦСМ/2026',
  })
})
afterAll(() => stack?.stop())

async function check(page: Page, name: string) {
  await page.waitForTimeout(150)
  const violations = await seriousViolations(page)
  if (violations.length) found[name] = violations
}

async function signIn(username: string) {
  const b = await browser({ bypassCSP: true })
  const { page } = b
  await page.goto(stack.url)
  await page.waitForSelector('[data-testid=login]')
  return b
}

/** opens a screen, waits until its data is shown (`ready`), and checks it */
async function screen(page: Page, path: string, testid: string, name = path, ready?: string) {
  await page.goto(`${stack.url}/#${path}`)
  await page.waitForSelector(`[data-testid=${testid}]`)
  if (ready) await page.waitForSelector(ready)
  await check(page, name)
}

describe('accessibility (axe-core): no serious or critical violation', () => {
  it('sign-in and first run', async () => {
    const b = await signIn('admin')
    try {
      await check(b.page, 'sign-in')
      await b.page.click('button[type=submit]')
      await b.page.waitForSelector('[role=alert]')
      await check(b.page, 'sign-in with an error')
      await b.page.goto(`${stack.url}/#/server`)
      await b.page.waitForSelector('[data-testid=server-setup]')
      await check(b.page, 'server address')
    } finally {
      await b.close()
    }
  })

  it('every screen, dialog, drawer and menu of the admin', { timeout: 240_000 }, async () => {
    const b = await signIn('admin')
    const { page } = b
    try {
      await login(page, 'admin')
      await page.waitForSelector('[data-testid=grid] revo-grid .status-badge')
      await check(page, 'register')
      for (const [button, what] of [
        ['filters-button', 'filters'],
        ['columns-button', 'columns'],
      ]) {
        await page.click(`[data-testid=${button}]`)
        await check(page, what)
        await page.keyboard.press('Escape')
      }
      for (const [button, what] of [
        ['documents-menu', 'documents menu'],
        ['excel-menu', 'excel menu'],
        ['admin-menu', 'admin menu'],
        ['profile', 'profile menu'],
        ['bell', 'notifications'],
      ]) {
        await page.click(`[data-testid=${button}]`)
        await page.waitForSelector('.menu')
        await check(page, what)
        await page.keyboard.press('Escape')
      }
      await page.click('[data-testid=profile]')
      await page.locator('.menu [role=menuitem]', { hasText: 'Сменить пароль' }).click()
      await page.waitForSelector('[data-testid=password-dialog]')
      await check(page, 'password dialog')
      await page.keyboard.press('Escape')

      await page
        .locator('revogr-data[col-type=colPinStart] .rgCell[data-rgrow="1"] .row-check')
        .check()
      await check(page, 'register with a selection')
      await page.click('[data-testid=archive-selected]')
      await page.waitForSelector('[data-testid=archive-dialog]')
      await check(page, 'archive reason dialog')
      await page.keyboard.press('Escape')
      await page.click('[data-testid=clear-selection]')

      await screen(page, '/equipment/5', 'equipment-form', 'card')
      await page.click('[data-testid=edit]')
      await check(page, 'card, editing')
      await page.locator('[data-testid=equipment-form] input[name=responsible_person]').fill('Х')
      await page.keyboard.press('Escape')
      await page.waitForSelector('[data-testid=unsaved-dialog]')
      await check(page, '«Сохранить изменения?»')
      await page.click('[data-testid=unsaved-discard]')
      await screen(page, '/equipment/6', 'equipment-form', 'card')
      await page.click('[data-testid=new-verification]')
      await page.waitForSelector('[data-testid=verification-dialog]')
      await check(page, 'new verification dialog')
      await page.keyboard.press('Escape')
      await screen(page, '/equipment/new', 'equipment-form', 'new equipment')
      await page.click('[data-testid=save]')
      await page.waitForSelector('[data-testid=equipment-form] .error-text')
      await check(page, 'new equipment with errors')

      await screen(page, '/archive', 'archive-screen', '/archive', 'tr[data-id]')
      await page.locator('tr[data-id="3"] button', { hasText: 'Открыть' }).click()
      await page.waitForSelector('[data-testid=archive-record]')
      await check(page, 'archived record')
      await page
        .locator('[data-testid=archive-record] header button', { hasText: 'Восстановить' })
        .click()
      await page.waitForSelector('[data-testid=confirm-dialog]')
      await check(page, 'confirmation')
      await page.keyboard.press('Escape')
      await page.keyboard.press('Escape')

      await screen(page, '/stats', 'stats-screen', '/stats', '[data-testid=fit-card]')
      await screen(page, '/pinned', 'pinned-screen')
      await screen(page, '/analytics', 'analytics-screen', '/analytics', '.bar-chart [role=button]')
      await screen(page, '/contracts', 'contracts-screen', '/contracts', 'tr[data-id]')
      await screen(page, '/backup', 'backup-screen')
      await screen(
        page,
        '/monitor',
        'monitor-screen',
        '/monitor',
        '[data-testid=log-lines] tbody tr',
      )
      await screen(page, '/users', 'users-screen', '/users', 'tr[data-username]')
      await page
        .locator('tr[data-username=lab\\.gtl] button', { hasText: 'Сбросить пароль' })
        .click()
      await page.waitForSelector('[data-testid=new-password-dialog]')
      await check(page, 'new password dialog')
      await page.keyboard.press('Escape')
      await screen(page, '/audit', 'audit-screen', '/audit', '[data-testid=audit-table] tbody tr')
      await screen(page, '/settings', 'settings-screen', '/settings', 'input[name=expiring_days]')
      await screen(page, '/nonsense', 'not-found')

      // offline: the banner and a card that could not load
      await page.goto(`${stack.url}/#/`)
      await page.waitForSelector('[data-testid=grid] revo-grid .status-badge')
      await stack.stopServer()
      try {
        await page.fill('[data-testid=search]', 'x')
        await page.waitForSelector('[data-testid=offline-banner]')
        await check(page, 'offline')
      } finally {
        await stack.startServer()
      }
    } finally {
      await b.close()
    }
  })

  it('the laborant’s screens', { timeout: 120_000 }, async () => {
    const b = await signIn('lab.gtl')
    const { page } = b
    try {
      await login(page, 'lab.gtl')
      await page.waitForSelector('[data-testid=grid] revo-grid .status-badge')
      await check(page, 'register (laborant)')
      const [{ id }] = await stack.sql`
        select min(id)::int as id from equipment_active where department = 'gtl'`
      await screen(page, `/equipment/${id}`, 'equipment-form', 'card (laborant)')
      await screen(page, '/stats', 'stats-screen', '/stats (laborant)', '[data-testid=fit-card]')
      await screen(page, '/archive', 'archive-screen', '/archive (laborant)', 'tr')
      await screen(page, '/pinned', 'pinned-screen', '/pinned (laborant)')
    } finally {
      await b.close()
    }
  })

  it('found nothing serious or critical', () => {
    // the details of each finding are printed; the assertion lists rule ids per screen
    for (const [screen, violations] of Object.entries(found))
      for (const v of violations)
        console.log(`${screen}: ${v.id} (${v.impact}) ${v.help}\n  ${v.nodes.join('\n  ')}`)
    const summary = Object.entries(found).map(
      ([screen, violations]) => `${screen}: ${violations.map((v) => v.id).join(', ')}`,
    )
    expect(summary).toEqual([])
  })
})
