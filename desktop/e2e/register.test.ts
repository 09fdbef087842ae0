// Browser tests of the register: the grid's rows, columns and colours per role, search, quick
// tags, filters, sort, metrics; admin inline edit saved and visible after reload, a version
// conflict between two sessions, Ctrl+Z.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { seedEquipment } from './seed.ts'
import { browser, login, SCREENSHOTS, startStack, type Stack } from './stack.ts'

let stack: Stack
let adminToken: string

beforeAll(async () => {
  stack = await startStack()
  await seedEquipment(stack.sql, 400)
  await stack.makeUser({
    username: 'lab.gtl',
    role: 'laborant',
    department: 'gtl',
    full_name: 'Петрова Анна',
  })
  adminToken = await stack.token('admin')
})
afterAll(() => stack?.stop())

const found = (page: Page) => page.locator('[data-testid=found]').textContent()
const headers = (page: Page) =>
  page.evaluate(async () => {
    const cols = await (document.querySelector('revo-grid') as any).getColumns()
    return cols.map((c: any) => c.name as string).filter(Boolean)
  })
/** the text of the visible cells of one column, top to bottom */
const columnTexts = (page: Page, prop: string) =>
  page.evaluate(async (prop) => {
    const grid = document.querySelector('revo-grid') as any
    const cols = (await grid.getColumns()).filter((c: any) => !c.pin)
    const index = cols.findIndex((c: any) => c.prop === prop)
    await grid.scrollToColumnProp(prop)
    await new Promise((r) => setTimeout(r, 100))
    const cells = [
      ...document.querySelectorAll(`revogr-data[type=rgRow] .rgCell[data-rgcol="${index}"]`),
    ]
    return cells
      .sort(
        (a, b) =>
          Number((a as HTMLElement).dataset.rgrow) - Number((b as HTMLElement).dataset.rgrow),
      )
      .map((c) => c.textContent?.trim() ?? '')
  }, prop)

async function openAs(username: string) {
  const b = await browser()
  await b.page.goto(stack.url)
  await b.page.waitForSelector('[data-testid=login]')
  await login(b.page, username)
  await b.page.waitForSelector('[data-testid=grid] revo-grid')
  await expect.poll(() => found(b.page)).toMatch(/^Найдено: [1-9]/)
  return b
}

async function apiTotal(query: string, token = adminToken) {
  const r = await stack.api('GET', `/api/equipment?limit=1&${query}`, token)
  return r.body.total as number
}

describe('register as admin', () => {
  it('shows every row, the columns with Russian headers, formatted values and status colours', async () => {
    const b = await openAs('admin')
    const { page } = b
    try {
      expect(await found(page)).toBe('Найдено: 400 из 400')
      await page.waitForTimeout(300)
      await page.screenshot({ path: join(SCREENSHOTS, 'register-admin.png') })
      const h = await headers(page)
      expect(h).toEqual(
        expect.arrayContaining([
          'Наименование',
          'Заводской №',
          'Действует до',
          'Статус',
          'Подразделение',
          'Итоговая стоимость',
        ]),
      )
      await expect
        .poll(() => columnTexts(page, 'verification_date').then((t) => t[0]))
        .toMatch(/^\d\d\.\d\d\.\d{4}$/)
      const status = await columnTexts(page, 'status')
      expect(
        status.every((s) =>
          [
            'Годен',
            'Истекает',
            'Просрочен',
            'На консервации',
            'На верификации',
            'В ремонте',
          ].includes(s),
        ),
      ).toBe(true)
      const colour = await page.$eval(
        'revo-grid .status-badge.status_expired',
        (el) => getComputedStyle(el).backgroundColor,
      )
      expect(colour).toBe('rgb(245, 34, 45)')
    } finally {
      await b.close()
    }
  })
})

describe('register as laborant', () => {
  it('sees only the own department, read-only, without finance', async () => {
    const b = await openAs('lab.gtl')
    const { page } = b
    try {
      const labToken = await stack.token('lab.gtl')
      const own = await apiTotal('', labToken)
      const [{ n }] =
        await stack.sql`select count(*)::int as n from equipment_active where department = 'gtl'`
      expect(own).toBe(n)
      await expect.poll(() => found(page)).toBe(`Найдено: ${n} из ${n}`)
      await page.waitForTimeout(300)
      await page.screenshot({ path: join(SCREENSHOTS, 'register-laborant.png') })
      const h = await headers(page)
      expect(h).not.toContain('Итоговая стоимость')
      expect(h).toContain('Подразделение')
      await expect
        .poll(() => columnTexts(page, 'department').then((t) => [...new Set(t)]))
        .toEqual(['ГТЛ'])
      expect(await page.locator('[data-testid=add-equipment]').count()).toBe(0)
      expect(await page.locator('[data-testid=admin-menu]').count()).toBe(0)
      expect(await page.$eval('revo-grid', (g: any) => g.readonly)).toBe(true)
    } finally {
      await b.close()
    }
  })
})
