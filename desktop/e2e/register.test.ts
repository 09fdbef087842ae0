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

const MAIN = 'revogr-data[type=rgRow]:not([col-type=rowHeaders]):not([col-type=colPinStart])'
const found = (page: Page) => page.locator('[data-testid=found]').textContent()
const headers = (page: Page) =>
  page.evaluate(async () => {
    const cols = await (document.querySelector('revo-grid') as any).getColumns()
    return cols.map((c: any) => c.name as string).filter(Boolean)
  })
/** the text of the visible cells of one column, top to bottom */
const columnTexts = (page: Page, prop: string) =>
  page.evaluate(
    async ([prop, MAIN]) => {
      const grid = document.querySelector('revo-grid') as any
      const cols = (await grid.getColumns()).filter((c: any) => !c.pin)
      const index = cols.findIndex((c: any) => c.prop === prop)
      await grid.scrollToColumnProp(prop)
      await new Promise((r) => setTimeout(r, 100))
      const cells = [...document.querySelectorAll(`${MAIN} .rgCell[data-rgcol="${index}"]`)]
      // indexed by row number; rows outside the rendered frame are undefined
      const texts: string[] = []
      for (const c of cells)
        texts[Number((c as HTMLElement).dataset.rgrow)] = c.textContent?.trim() ?? ''
      return texts.filter((t) => t !== undefined).length ? texts : []
    },
    [prop, MAIN],
  )

async function openAs(username: string, prepare?: (page: Page) => Promise<unknown>) {
  const b = await browser()
  await prepare?.(b.page)
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
      const status = (await columnTexts(page, 'status')).filter(Boolean)
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
        .poll(() => columnTexts(page, 'department').then((t) => [...new Set(t.filter(Boolean))]))
        .toEqual(['ГТЛ'])
      expect(await page.locator('[data-testid=add-equipment]').count()).toBe(0)
      expect(await page.locator('[data-testid=admin-menu]').count()).toBe(0)
      expect(await page.$eval('revo-grid', (g: any) => g.readonly)).toBe(true)
    } finally {
      await b.close()
    }
  })
})

/** the main-viewport cell of row `row` (0-based) and column `prop`, scrolled into view */
async function cell(page: Page, row: number, prop: string) {
  const index = await page.evaluate(
    async ({ row, prop }) => {
      const grid = document.querySelector('revo-grid') as any
      const cols = (await grid.getColumns()).filter((c: any) => !c.pin)
      await grid.scrollToRow(row)
      await grid.scrollToColumnProp(prop)
      return cols.findIndex((c: any) => c.prop === prop)
    },
    { row, prop },
  )
  const locator = page.locator(`${MAIN} .rgCell[data-rgrow="${row}"][data-rgcol="${index}"]`)
  await locator.waitFor()
  return locator
}

async function editCell(page: Page, row: number, prop: string, text: string) {
  const c = await cell(page, row, prop)
  await c.dblclick()
  const input = page.locator('revo-grid revogr-edit input, revo-grid revogr-edit textarea')
  await input.waitFor()
  await page.keyboard.press('Control+A')
  await page.keyboard.type(text)
  await page.keyboard.press('Enter')
}

const rowOf = async (id: number) =>
  (await stack.api('GET', `/api/equipment/${id}`, adminToken)).body

describe('search, quick tags, filters, sort', () => {
  it('narrows the grid the way the server does', async () => {
    const b = await openAs('admin')
    const { page } = b
    try {
      await page.fill('[data-testid=search]', 'Манометр')
      const byName = await apiTotal('q=Манометр')
      expect(byName).toBeGreaterThan(0)
      expect(byName).toBeLessThan(400)
      await expect.poll(() => found(page)).toBe(`Найдено: ${byName} из 400`)
      await expect
        .poll(() =>
          columnTexts(page, 'equipment_name').then((t) => [...new Set(t.filter(Boolean))]),
        )
        .toEqual(['Манометр'])
      await page.fill('[data-testid=search]', '')
      await expect.poll(() => found(page)).toBe('Найдено: 400 из 400')

      // quick tag «Просроченные»
      await page.click('[data-testid=quick-tags] .tag.status_expired')
      const expired = await apiTotal('status=status_expired')
      await expect.poll(() => found(page)).toBe(`Найдено: ${expired} из 400`)
      await expect
        .poll(() => columnTexts(page, 'status').then((t) => [...new Set(t.filter(Boolean))]))
        .toEqual(['Просрочен'])
      await page.screenshot({ path: join(SCREENSHOTS, 'register-quick-tag.png') })
      await page.click('[data-testid=quick-tags] .tag.status_expired')

      // the metric «На консервации» is a quick filter too
      await page.click('[data-metric=storage]')
      const storage = await apiTotal('status=status_storage')
      await expect.poll(() => found(page)).toBe(`Найдено: ${storage} из 400`)
      expect(await page.locator('[data-metric=storage] .metric-value').textContent()).toBe(
        String(storage),
      )
      await page.click('[data-metric=total]')

      // the drawer: department ЛБР and type ИО
      await page.click('[data-testid=filters-button]')
      await page.locator('[data-testid=filters-drawer] label.chip', { hasText: 'ЛБР' }).click()
      await page.locator('[data-testid=filters-drawer] label.chip', { hasText: 'ИО' }).click()
      await page.screenshot({ path: join(SCREENSHOTS, 'filters-drawer.png') })
      await page.click('[data-testid=apply-filters]')
      const lbrIo = await apiTotal('department=lbr&type=IO')
      await expect.poll(() => found(page)).toBe(`Найдено: ${lbrIo} из 400`)
      await expect
        .poll(() => columnTexts(page, 'department').then((t) => [...new Set(t.filter(Boolean))]))
        .toEqual(['ЛБР'])
      await page.locator('.tags button.link', { hasText: 'Сбросить всё' }).click()
      await expect.poll(() => found(page)).toBe('Найдено: 400 из 400')

      // sort by factory number, descending on the second click
      const header = page.locator('revo-grid .rgHeaderCell', { hasText: 'Заводской №' })
      // horizontal virtualisation: scroll until the header is rendered
      await expect
        .poll(async () => {
          await page.evaluate(() =>
            (document.querySelector('revo-grid') as any).scrollToColumnProp('factory_number'),
          )
          return header.count()
        })
        .toBe(1)
      await header.click()
      await expect
        .poll(() => columnTexts(page, 'factory_number').then((t) => t[0]))
        .toBe('ЗН-000001')
      await header.click()
      await expect
        .poll(() => columnTexts(page, 'factory_number').then((t) => t[0]))
        .toBe('ЗН-000400')
    } finally {
      await b.close()
    }
  })

  it('keeps the chosen columns per user', async () => {
    const b = await openAs('admin')
    const { page } = b
    try {
      expect(await headers(page)).not.toContain('Год выпуска')
      await page.click('[data-testid=columns-button]')
      await page.check('[data-testid=column-chooser] input[data-column=equipment_year]')
      await page.uncheck('[data-testid=column-chooser] input[data-column=responsible_person]')
      await page.screenshot({ path: join(SCREENSHOTS, 'column-chooser.png') })
      await page.locator('[data-testid=column-chooser] footer button.primary').click()
      await page.reload()
      await page.waitForSelector('[data-testid=grid] revo-grid')
      await expect.poll(() => headers(page)).toContain('Год выпуска')
      expect(await headers(page)).not.toContain('Ответственное лицо')
    } finally {
      await b.close()
    }
  })
})

describe('admin editing', () => {
  it('saves an inline edit with the version; visible after reload; Ctrl+Z undoes it', async () => {
    const b = await openAs('admin')
    const { page } = b
    try {
      const before = await rowOf(3)
      await editCell(page, 2, 'equipment_name', 'Манометр показывающий')
      await expect.poll(async () => (await rowOf(3)).equipment_name).toBe('Манометр показывающий')
      await editCell(page, 2, 'verifier_org', 'ВНИИФТРИ')
      await expect.poll(async () => (await rowOf(3)).verifier_org).toBe('ВНИИФТРИ')
      expect((await rowOf(3)).version).toBe(before.version + 2)

      // a date typed the Russian way; the due date is recomputed by the server and shown
      await editCell(page, 2, 'verification_date', '15.01.2026')
      await expect.poll(async () => (await rowOf(3)).verification_date).toBe('2026-01-15')
      const due = (await rowOf(3)).verification_due as string
      expect(due).not.toBe(before.verification_due)
      await expect
        .poll(() => columnTexts(page, 'verification_due').then((t) => t[2]))
        .toBe(`${due.slice(8, 10)}.${due.slice(5, 7)}.${due.slice(0, 4)}`)

      // a day that does not exist is called so (not a format error) and not saved
      await editCell(page, 2, 'verification_date', '31.02.2026')
      await expect
        .poll(() => page.locator('[data-testid=toast]').textContent())
        .toBe('«Дата последней верификации»: Такой даты нет')
      expect((await rowOf(3)).verification_date).toBe('2026-01-15')

      await page.reload()
      await page.waitForSelector('[data-testid=grid] revo-grid')
      await expect.poll(() => columnTexts(page, 'verifier_org').then((t) => t[2])).toBe('ВНИИФТРИ')

      // the undo history is per session: make two edits, undo both with Ctrl+Z
      await editCell(page, 2, 'responsible_person', 'Орлова В. Н.')
      await expect.poll(async () => (await rowOf(3)).responsible_person).toBe('Орлова В. Н.')
      await editCell(page, 2, 'verifier_org', before.verifier_org)
      await expect.poll(async () => (await rowOf(3)).verifier_org).toBe(before.verifier_org)
      await page.locator('[data-testid=found]').click()
      await page.keyboard.press('Control+z')
      await expect.poll(async () => (await rowOf(3)).verifier_org).toBe('ВНИИФТРИ')
      await page.keyboard.press('Control+z')
      await expect
        .poll(async () => (await rowOf(3)).responsible_person)
        .toBe(before.responsible_person)
      await expect
        .poll(() => columnTexts(page, 'responsible_person').then((t) => t[2]))
        .toBe(before.responsible_person)

      // Electron's menu Правка → Отменить sends the page an event instead of the key
      await editCell(page, 2, 'responsible_person', 'Меню М. М.')
      await expect.poll(async () => (await rowOf(3)).responsible_person).toBe('Меню М. М.')
      await page.locator('[data-testid=found]').click()
      await page.evaluate(() => window.dispatchEvent(new Event('deltica:undo')))
      await expect
        .poll(async () => (await rowOf(3)).responsible_person)
        .toBe(before.responsible_person)
    } finally {
      await b.close()
    }
  })

  it('refuses edits of computed cells', async () => {
    const b = await openAs('admin')
    const { page } = b
    try {
      const before = await rowOf(5)
      const c = await cell(page, 4, 'verification_due')
      await c.dblclick()
      await page.waitForTimeout(300)
      expect(await page.locator('revo-grid revogr-edit input').count()).toBe(0)
      expect((await rowOf(5)).version).toBe(before.version)
    } finally {
      await b.close()
    }
  })

  it('pastes a range from Excel', async () => {
    const b = await openAs('admin')
    const { page } = b
    try {
      const focused = () =>
        page.evaluate(async () => {
          const f = await (document.querySelector('revo-grid') as any).getFocused()
          return f ? `${f.cell.y}:${f.column.prop}` : ''
        })
      // focus the cell and paste as Ctrl+V would; while the first pages are still settling the
      // grid may drop its focus, so the (idempotent) paste is repeated until it lands
      const pasteOnce = async () => {
        await expect
          .poll(async () => {
            await (await cell(page, 9, 'responsible_person')).click()
            return focused()
          })
          .toBe('9:responsible_person')
        await page.evaluate(() => {
          const data = new DataTransfer()
          data.setData('text/plain', 'Смирнов А. А.\nКозлов Б. Б.\n')
          const event = new ClipboardEvent('paste', {
            clipboardData: data,
            bubbles: true,
            cancelable: true,
          })
          ;(document.activeElement ?? document).dispatchEvent(event)
        })
      }
      await expect
        .poll(
          async () => {
            if ((await rowOf(10)).responsible_person !== 'Смирнов А. А.') await pasteOnce()
            return (await rowOf(10)).responsible_person
          },
          { timeout: 30_000, interval: 2000 },
        )
        .toBe('Смирнов А. А.')
      await expect.poll(async () => (await rowOf(11)).responsible_person).toBe('Козлов Б. Б.')
      // Excel ends the clipboard with a newline: no empty third row is written
      expect((await rowOf(12)).responsible_person).not.toBe(null)
    } finally {
      await b.close()
    }
  })

  it('reports a version conflict between two sessions and reloads the row', async () => {
    const first = await openAs('admin')
    // the second window must not learn of the first edit live (e2e/live.test.ts): no stream
    const second = await openAs('admin', (page) => page.route('**/api/events', (r) => r.abort()))
    try {
      await editCell(first.page, 6, 'responsible_person', 'Первый П. П.')
      await expect.poll(async () => (await rowOf(7)).responsible_person).toBe('Первый П. П.')
      // the second window still holds the old version
      await editCell(second.page, 6, 'responsible_person', 'Второй В. В.')
      await expect
        .poll(() => second.page.locator('[data-testid=toast]').textContent())
        .toContain('уже изменена другим пользователем')
      expect((await rowOf(7)).responsible_person).toBe('Первый П. П.')
      await expect
        .poll(() => columnTexts(second.page, 'responsible_person').then((t) => t[6]))
        .toBe('Первый П. П.')
      await second.page.screenshot({ path: join(SCREENSHOTS, 'edit-conflict.png') })
    } finally {
      await first.close()
      await second.close()
    }
  })

  it("shows the server's warning after a cell edit (a duplicate inventory number) in yellow", async () => {
    const b = await openAs('admin')
    const { page } = b
    try {
      const taken = (await rowOf(1)).inventory_number as string
      await editCell(page, 14, 'inventory_number', taken)
      await expect.poll(async () => (await rowOf(15)).inventory_number).toBe(taken)
      const toast = page.locator('[data-testid=toast]')
      await expect
        .poll(() => toast.textContent())
        .toContain(`Инвентарный номер «${taken}» уже есть`)
      expect(await toast.textContent()).toMatch(/^Сохранено: 1 ячейка\. Обратите внимание — №15: /)
      expect(await toast.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
        'rgb(255, 251, 230)',
      )
    } finally {
      await b.close()
    }
  })
})
