// Browser tests of how a failed request reads, the same on every screen (lib/api.ts failureMessage):
// 404 says «не найдено», 409 says who changed the record and when, 5xx is the server's fault to
// retry, and a 401 on a signed-in request (the session ended) takes the app back to sign-in, which
// says why. Driven on the contracts, statistics and audit screens (not the header's counts): the
// 404, 409 and 401 by a real server state, the 500 by the page's route interception.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { login, signedIn, startStack, type Stack } from './stack.ts'

let stack: Stack
let adminToken: string
let chiefToken: string
let b: Awaited<ReturnType<typeof signedIn>>
let page: Page
let pageErrors: string[] = []

beforeAll(async () => {
  stack = await startStack()
  await stack.makeUser({ username: 'chief', role: 'admin', full_name: 'Сидорова Е. В.' })
  adminToken = await stack.token('admin')
  chiefToken = await stack.token('chief')
  b = await signedIn(stack)
  page = b.page
  pageErrors = b.pageErrors
})
afterAll(async () => {
  await b?.close()
  await stack?.stop()
})

const toast = () => page.locator('[data-testid=toast]').textContent()

async function go(path: string, testid: string) {
  await page.goto(`${stack.url}/#${path}`)
  await page.waitForSelector(`[data-testid=${testid}]`)
}

async function contract(number: string) {
  const made = await stack.api<{ id: number; version: number }>(
    'POST',
    '/api/contracts',
    adminToken,
    { executor_name: 'ФБУ «Тюменский ЦСМ»', contract_number: number, contract_amount: 1000 },
  )
  expect(made.status).toBe(201)
  await go('/', 'grid')
  await go('/contracts', 'contracts-screen')
  const row = page.locator(`[data-testid=contracts-table] tbody tr[data-id="${made.body.id}"]`)
  await row.waitFor()
  return { ...made.body, row }
}

describe('a failed request says what kind of failure it is', () => {
  it('404: a contract deleted meanwhile is «не найден»', async () => {
    const c = await contract('404-1')
    expect((await stack.api('DELETE', `/api/contracts/${c.id}`, chiefToken)).status).toBe(204)
    await c.row.locator('[data-action=delete]').click()
    await page.locator('[data-testid=confirm-dialog] [data-testid=confirm-yes]').click()
    await expect.poll(toast).toBe('Договор не найден')
  })

  it('409: a contract changed meanwhile names who changed it and when', async () => {
    const c = await contract('409-1')
    const other = await stack.api('PUT', `/api/contracts/${c.id}`, chiefToken, {
      executor_name: 'ФБУ «Тюменский ЦСМ»',
      contract_number: '409-1',
      valid_until: null,
      contract_amount: 2000,
      spent_amount: 0,
      current_balance: null,
      notes: null,
      version: c.version,
    })
    expect(other.status).toBe(200)
    await c.row.locator('input[name=contract_amount]').fill('3000')
    await c.row.locator('input[name=contract_amount]').press('Tab')
    await expect
      .poll(toast)
      .toMatch(
        /^Запись уже изменил другой пользователь\. Обновите данные и повторите \(изменил\(а\) Сидорова Е\. В\. в \d\d\.\d\d, \d\d:\d\d\)$/,
      )
  })

  it('5xx: the server failing is «ошибка сервера, повторите…», not an empty screen', async () => {
    await page.route('**/api/stats/department**', (route) =>
      route.fulfill({
        status: 500,
        contentType: 'application/json',
        body: JSON.stringify({ error: 'Внутренняя ошибка сервера' }),
      }),
    )
    try {
      await go('/stats', 'stats-screen')
      await expect
        .poll(() => page.locator('[data-testid=stats-screen] .alert.error').textContent())
        .toBe('Ошибка сервера, повторите попытку позже (Внутренняя ошибка сервера)')
    } finally {
      await page.unroute('**/api/stats/department**')
    }
  })

  it('401: a session ended on the server takes the app back to sign-in, which says why', async () => {
    await go('/contracts', 'contracts-screen')
    const token = await page.evaluate(
      () => JSON.parse(localStorage.getItem('deltica.session') ?? '{}').token as string,
    )
    expect((await stack.api('POST', '/api/auth/logout', token)).status).toBeLessThan(300)
    await page.goto(`${stack.url}/#/audit`)
    await page.waitForSelector('[data-testid=login]')
    expect(await page.locator('[data-testid=session-expired]').textContent()).toContain(
      'Сеанс истёк или был завершён. Войдите снова',
    )
    expect(await page.evaluate(() => localStorage.getItem('deltica.session'))).toBeNull()
    // signing in again brings the register back, and the notice is gone
    await login(page, 'admin')
    await page.waitForSelector('[data-testid=grid] revo-grid')
    expect(await page.locator('[data-testid=session-expired]').count()).toBe(0)
    expect(pageErrors).toEqual([])
  })
})
