// Browser tests of acting on many rows: ticking a range with Shift, the header
// box and «Выбрать все найденные (N)» that select by query (nothing loaded), «Выбрано: N» and
// «Снять выбор», a selection that survives scrolling, documents printed for the query less the
// unticked rows (the PDF read back), and the 2,000 cap said before generating.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Page, Request } from 'playwright-core'
import { pdfPages, pdfWords } from '../../test/document-readers.ts'
import { seedEquipment } from './seed.ts'
import { browser, login, SCREENSHOTS, startStack, type Stack } from './stack.ts'

const ROWS = 2100

let stack: Stack
let adminToken: string
let b: Awaited<ReturnType<typeof browser>>
let page: Page

beforeAll(async () => {
  stack = await startStack()
  await seedEquipment(stack.sql, ROWS)
  adminToken = await stack.token('admin')
  b = await browser()
  page = b.page
  await page.goto(stack.url)
  await page.waitForSelector('[data-testid=login]')
  await login(page, 'admin')
  await page.waitForSelector('[data-testid=grid] revo-grid')
  await page.waitForFunction(() =>
    /^Найдено: [1-9]/.test(document.querySelector('[data-testid=found]')?.textContent ?? ''),
  )
})
afterAll(async () => {
  await b?.close()
  await stack?.stop()
})

const found = () => page.locator('[data-testid=found]').textContent()
const selectedCount = async () =>
  (await page.locator('[data-testid=selected-count]').count())
    ? page.locator('[data-testid=selected-count]').textContent()
    : ''
const check = (row: number) =>
  page.locator(`revogr-data[col-type=colPinStart] .rgCell[data-rgrow="${row}"] .row-check`)
const headCheck = (p: Page) => p.locator('revo-grid .head-check')
const factoryNumber = (id: number) => `ЗН-${String(id).padStart(6, '0')}`

/** the labels PDF for the selection: the request body sent and the file's bytes */
async function labels(): Promise<{ body: any; name: string; bytes: Buffer }> {
  await page.click('[data-testid=documents-menu]')
  await page.locator('.menu-head input[value=pdf]').check()
  let body: any = null
  const spy = (r: Request) => {
    if (r.url().endsWith('/api/documents/labels')) body = r.postDataJSON()
  }
  page.on('request', spy)
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('.menu button[role=menuitem]', { hasText: 'Этикетки' }).first().click(),
  ])
  page.off('request', spy)
  const path = join(stack.dataDir, download.suggestedFilename())
  await download.saveAs(path)
  return { body, name: download.suggestedFilename(), bytes: readFileSync(path) }
}

/** unticks one row's box. The click goes to the box itself, not to a point on the screen: when
 *  scrolled to the very end, the grid's repaint after the previous tick can shift its rows by one
 *  between Playwright measuring the box and clicking there, which then ticks the neighbour */
async function untick(row: number) {
  await check(row).dispatchEvent('click')
  await expect.poll(() => check(row).isChecked()).toBe(false)
}

async function scrollTo(row: number) {
  await page.evaluate((r) => (document.querySelector('revo-grid') as any).scrollToRow(r), row)
  await check(row).waitFor()
}

/** back to the whole register, nothing selected: each test (and its retry) starts from here */
async function reset() {
  if (await page.locator('[data-testid=clear-selection]').count())
    await page.click('[data-testid=clear-selection]')
  await page.fill('[data-testid=search]', '')
  await expect
    .poll(found)
    .toBe(`Найдено: ${ROWS.toLocaleString('ru-RU')} из ${ROWS.toLocaleString('ru-RU')}`)
  await expect.poll(selectedCount).toBe('')
}

describe('acting on many rows', () => {
  beforeEach(reset)

  it('Shift+click ticks a range; «Выбрано: N», «Снять выбор»; labels for exactly those', async () => {
    await check(2).check()
    await check(6).click({ modifiers: ['Shift'] })
    await expect.poll(selectedCount).toBe('Выбрано: 5')
    for (const row of [2, 3, 4, 5, 6]) expect(await check(row).isChecked()).toBe(true)
    expect(await check(7).isChecked()).toBe(false)
    // Shift+click again unticks a range from the last click
    await check(4).click({ modifiers: ['Shift'] })
    await expect.poll(selectedCount).toBe('Выбрано: 2')
    const { body, name } = await labels()
    expect(body.equipment_ids).toEqual([3, 4])
    expect(name).toBe('Этикетки_2_шт.pdf')
    await page.click('[data-testid=clear-selection]')
    await expect.poll(selectedCount).toBe('')
    await expect.poll(() => check(3).isChecked()).toBe(false)
  })

  it('«Выбрать все найденные» selects by query: survives scrolling; printed less the unticked', async () => {
    await page.fill('[data-testid=search]', 'Манометр')
    const total = (await stack.api('GET', '/api/equipment?limit=1&q=Манометр', adminToken)).body
      .total as number
    expect(total).toBeGreaterThan(100)
    await expect.poll(found).toBe(`Найдено: ${total} из ${ROWS.toLocaleString('ru-RU')}`)
    await page.click('[data-testid=select-all-found]')
    await expect.poll(selectedCount).toBe(`Выбрано: ${total}`)
    expect(await headCheck(page).isChecked()).toBe(true)
    await page.screenshot({ path: join(SCREENSHOTS, 'register-selection.png') })
    // rows never loaded before are ticked when scrolled to
    await scrollTo(total - 1)
    await expect.poll(() => check(total - 1).isChecked()).toBe(true)
    const ids = await page.evaluate(async (n) => {
      const src = await (document.querySelector('revo-grid') as any).getSource()
      return [src[n - 1].id, src[n - 2].id] as number[]
    }, total)
    await untick(total - 1)
    await expect.poll(selectedCount).toBe(`Выбрано: ${total - 1}`)
    await untick(total - 2)
    await expect.poll(selectedCount).toBe(`Выбрано: ${total - 2}`)
    expect(await headCheck(page).evaluate((el: HTMLInputElement) => el.indeterminate)).toBe(true)
    await scrollTo(0)
    expect(await check(0).isChecked()).toBe(true)

    const { body, name, bytes } = await labels()
    expect(body.equipment_ids).toBeUndefined()
    expect(body.filter).toEqual({ q: 'Манометр' })
    expect(body.except_ids.sort()).toEqual([...ids].sort())
    expect(name).toBe(`Этикетки_${total - 2}_шт.pdf`)
    const words = new Set(pdfWords(bytes).map((w) => w.text))
    for (const id of ids) expect(words.has(factoryNumber(id))).toBe(false)
    const [{ id: first }] = await stack.sql`
      select min(id)::int as id from equipment_active where equipment_name = 'Манометр'`
    expect(words.has(factoryNumber(first))).toBe(true)
    expect(pdfPages(bytes)).toBeGreaterThan(1)

    // a new search names other rows: the selection by query is dropped
    await page.fill('[data-testid=search]', 'Термометр')
    await expect.poll(selectedCount).toBe('')
    await page.fill('[data-testid=search]', '')
    await expect
      .poll(found)
      .toBe(`Найдено: ${ROWS.toLocaleString('ru-RU')} из ${ROWS.toLocaleString('ru-RU')}`)
  })

  it('above the 2,000 cap the documents menu says so before generating', async () => {
    await headCheck(page).click()
    await expect.poll(selectedCount).toBe(`Выбрано: ${ROWS.toLocaleString('ru-RU')}`)
    await page.click('[data-testid=documents-menu]')
    await expect
      .poll(() => page.locator('[data-testid=documents-too-many]').textContent())
      .toContain('Выбрано 2\u00a0100 записей — в одном документе не больше 2\u00a0000')
    const item = page.locator('.menu button[role=menuitem]', { hasText: 'Этикетки' }).first()
    expect(await item.getAttribute('aria-disabled')).toBe('true')
    let sent = false
    page.on('request', (r) => void (r.url().includes('/api/documents/') && (sent = true)))
    await item.click({ force: true })
    await page.waitForTimeout(300)
    expect(sent).toBe(false)
    await page.screenshot({ path: join(SCREENSHOTS, 'documents-too-many.png') })
    await page.keyboard.press('Escape')
    // the header box unticks everything
    await headCheck(page).uncheck()
    await expect.poll(selectedCount).toBe('')
  })
})
