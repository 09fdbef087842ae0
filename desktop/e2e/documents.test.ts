// Browser tests of the warnings before a document is generated: a bid names the
// selected instruments of another verification type it leaves out («3 из 10 — не поверка, не
// включены») in an in-app dialog; empty requisites are asked about («Реквизиты не заполнены: …,
// заполнить?» — «Заполнить» opens the settings, «Сформировать без них» goes on); the schedule's
// year is chosen in the menu and, with nothing ticked, the schedule takes the table's filter.
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Page, Request } from 'playwright-core'
import { seedEquipment } from './seed.ts'
import { browser, login, SCREENSHOTS, startStack, type Stack } from './stack.ts'

let stack: Stack
let adminToken: string
let b: Awaited<ReturnType<typeof browser>>
let page: Page

beforeAll(async () => {
  stack = await startStack()
  await seedEquipment(stack.sql, 60)
  adminToken = await stack.token('admin')
  b = await browser()
  page = b.page
  await page.goto(stack.url)
  await page.waitForSelector('[data-testid=login]')
  await login(page, 'admin')
  await page.waitForSelector('[data-testid=grid] revo-grid')
})
beforeEach(async () => {
  await page.goto(`${stack.url}/#/`)
  await page.reload()
  await page.waitForSelector('[data-testid=grid] revo-grid')
})
afterAll(async () => {
  await b?.close()
  await stack?.stop()
})

const check = (row: number) =>
  page.locator(`revogr-data[col-type=colPinStart] .rgCell[data-rgrow="${row}"] .row-check`)
const item = (label: string) =>
  page.locator('.menu button[role=menuitem]', { hasText: label }).first()

/** the ids of the grid's first `n` rows, ticked */
async function tickFirst(n: number): Promise<number[]> {
  await check(0).waitFor()
  for (let row = 0; row < n; row++) await check(row).dispatchEvent('click')
  const source = await page.evaluate(async () =>
    ((await (document.querySelector('revo-grid') as any).getSource()) as { id: number }[]).map(
      (r) => r.id,
    ),
  )
  return source.slice(0, n)
}

/** the body the page posts to `path` while `act` runs */
async function bodySentTo(path: string, act: () => Promise<unknown>) {
  let body: any = null
  const spy = (r: Request) => {
    if (r.url().endsWith(path)) body = r.postDataJSON()
  }
  page.on('request', spy)
  try {
    await act()
  } finally {
    page.off('request', spy)
  }
  return body
}

describe('warnings before generating', () => {
  it('a bid names the instruments of another type it leaves out; empty requisites are asked', async () => {
    const ids = await tickFirst(10)
    const expected = await stack.api('POST', '/api/documents/bid-verification/check', adminToken, {
      equipment_ids: ids,
      format: 'pdf',
    })
    expect(expected.body.excluded).toBeGreaterThan(0)
    await page.click('[data-testid=documents-menu]')
    await page.locator('.menu-head input[value=pdf]').check()
    await item('Заявка на поверку').click()
    const dialog = page.locator('[data-testid=confirm-dialog]')
    await dialog.waitFor()
    const text = (await dialog.textContent()) ?? ''
    expect(text).toContain(expected.body.excluded_message)
    expect(expected.body.excluded_message).toMatch(/^\d+ из 10 — не поверка, не включены$/)
    for (const r of expected.body.excluded_items) expect(text).toContain(r.factory_number)
    await page.screenshot({ path: join(SCREENSHOTS, 'documents-excluded.png') })
    await page.click('[data-testid=confirm-yes]')

    const choice = page.locator('[data-testid=choice-dialog]')
    await choice.waitFor()
    expect(await choice.textContent()).toContain(
      'Реквизиты не заполнены: организация-поверитель, заказчик, ИНН',
    )
    await page.screenshot({ path: join(SCREENSHOTS, 'documents-requisites.png') })
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=choice-skip]'),
    ])
    expect(download.suggestedFilename()).toBe(`Заявка_на_поверку_${expected.body.included}_шт.pdf`)
  })

  it('«Отмена» stops; «Заполнить» opens the settings without generating', async () => {
    await tickFirst(3)
    let generated = false
    page.on('request', (r) => {
      if (/\/api\/documents\/request$/.test(r.url())) generated = true
    })
    await page.click('[data-testid=documents-menu]')
    await item('Предписание').click()
    await page.locator('[data-testid=choice-dialog]').waitFor()
    await page.click('[data-testid=choice-cancel]')
    await expect.poll(() => page.locator('[data-testid=choice-dialog]').count()).toBe(0)
    await page.click('[data-testid=documents-menu]')
    await item('Предписание').click()
    await page.click('[data-testid=choice-fill]')
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/settings')
    expect(generated).toBe(false)
  })

  it('the schedule: the year chosen, the table filter used when nothing is ticked', async () => {
    await check(0).waitFor()
    await page.click('[data-testid=documents-menu]')
    const now = new Date()
    const defaultYear = now.getFullYear() + (now.getMonth() >= 9 ? 1 : 0)
    expect(await page.locator('[data-testid=documents-year]').inputValue()).toBe(
      String(defaultYear),
    )
    await page.selectOption('[data-testid=documents-year]', String(defaultYear - 1))
    const body = await bodySentTo('/api/documents/schedule/check', async () => {
      await item('График поверки').click()
      await page
        .locator('[data-testid=confirm-dialog], [data-testid=choice-dialog]')
        .first()
        .waitFor()
    })
    expect(body).toMatchObject({ filter: {}, except_ids: [], year: defaultYear - 1 })
    const excluded = page.locator('[data-testid=confirm-dialog]')
    if (await excluded.count()) {
      expect(await excluded.textContent()).toContain(
        `запланированы не на ${defaultYear - 1} год, не включены`,
      )
      await page.click('[data-testid=confirm-yes]')
    }
    await page.locator('[data-testid=choice-dialog]').waitFor()
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=choice-skip]'),
    ])
    expect(download.suggestedFilename()).toMatch(/^График_поверки_\d+_шт\.pdf$/)
  })
})
