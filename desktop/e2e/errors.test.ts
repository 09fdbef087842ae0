// Browser tests of errors and outages: the field the server names is marked (a
// grid cell, a dialog's field); «Такой даты нет» for 31.02; a record deleted or archived meanwhile
// says so instead of failing; with the server stopped a banner «Нет связи с сервером», the rows
// shown stay, writes are disabled, nothing is shown as empty data, and everything comes back by
// itself when the server does.
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { seedEquipment } from './seed.ts'
import { SCREENSHOTS, signedIn, startStack, type Stack } from './stack.ts'

let stack: Stack
let adminToken: string
let b: Awaited<ReturnType<typeof signedIn>>
let page: Page
let pageErrors: string[] = []

beforeAll(async () => {
  stack = await startStack()
  await seedEquipment(stack.sql, 80)
  adminToken = await stack.token('admin')
  b = await signedIn(stack)
  page = b.page
  pageErrors = b.pageErrors
})
beforeEach(async () => {
  await page.goto(`${stack.url}/#/`)
  await page.reload()
  await page.waitForSelector('[data-testid=grid] revo-grid')
  await page.waitForFunction(() =>
    /^Найдено: [1-9]/.test(document.querySelector('[data-testid=found]')?.textContent ?? ''),
  )
})
afterAll(async () => {
  await b?.close()
  await stack?.stop()
})

const MAIN = 'revogr-data[type=rgRow]:not([col-type=rowHeaders]):not([col-type=colPinStart])'
const rowOf = async (id: number) =>
  (await stack.api('GET', `/api/equipment/${id}`, adminToken)).body
const toast = () => page.locator('[data-testid=toast]').textContent()
const card = () => page.locator('[data-testid=equipment-form]')

async function cell(row: number, prop: string) {
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

async function openCard(id: number, edit = false) {
  await page.goto(`${stack.url}/#/equipment/${id}`)
  await card().locator('[data-testid=edit]').waitFor()
  if (edit) await page.click('[data-testid=edit]')
}

describe('what the server refuses is shown where it belongs', () => {
  it('a grid cell the server refused is marked with its message', async () => {
    const c = await cell(1, 'responsible_person')
    await c.dblclick()
    await page.locator('revo-grid revogr-edit input, revo-grid revogr-edit textarea').waitFor()
    await page.keyboard.press('Control+A')
    await page.keyboard.insertText('Я'.repeat(301))
    await page.keyboard.press('Enter')
    await expect
      .poll(toast)
      .toBe('Проверьте поля запроса: «Ответственное лицо»: Не длиннее 300 символов')
    const marked = await cell(1, 'responsible_person')
    await expect.poll(() => marked.getAttribute('class')).toContain('cell-invalid')
    expect(await marked.getAttribute('title')).toBe('Не длиннее 300 символов')
    await page.screenshot({ path: join(SCREENSHOTS, 'grid-cell-refused.png') })
    // a good value clears the mark
    await marked.dblclick()
    await page.locator('revo-grid revogr-edit input, revo-grid revogr-edit textarea').waitFor()
    await page.keyboard.press('Control+A')
    await page.keyboard.insertText('Белова Е. Е.')
    await page.keyboard.press('Enter')
    await expect.poll(async () => (await rowOf(2)).responsible_person).toBe('Белова Е. Е.')
    await expect
      .poll(async () => (await cell(1, 'responsible_person')).getAttribute('class'))
      .not.toContain('cell-invalid')
  })

  it('«Новая поверка» highlights the field the server names', async () => {
    await openCard(9)
    await page.click('[data-testid=new-verification]')
    const dialog = page.locator('[data-testid=verification-dialog]')
    await dialog.locator('input[name=verification_interval]').fill('0')
    await page.click('[data-testid=save-verification]')
    const field = dialog.locator('label.field.invalid', {
      has: page.locator('input[name=verification_interval]'),
    })
    await expect
      .poll(() => field.locator('.error-text').textContent())
      .toMatch(/не меньше 1|больше 0/)
    expect(
      await dialog.locator('input[name=verification_interval]').getAttribute('aria-invalid'),
    ).toBe('true')
    expect(await dialog.locator('label.field.invalid').count()).toBe(1)
  })

  it('31.02.2026 in the card is «Такой даты нет», at its field, and nothing is sent', async () => {
    await openCard(8, true)
    const input = card().locator('input[name=verification_date]')
    // the app's own field: typed дд.мм.гггг whatever the browser's language
    await input.fill('31.02.2026')
    expect(await input.getAttribute('data-problem')).toBe('Такой даты нет')
    // leaving the field says it at once
    await card().locator('input[name=responsible_person]').click()
    const field = card().locator('label.field', {
      has: page.locator('input[name=verification_date]'),
    })
    await expect.poll(() => field.locator('.error-text').textContent()).toBe('Такой даты нет')
    let patched = false
    page.on('request', (r) => void (r.method() === 'PATCH' && (patched = true)))
    await page.click('[data-testid=save]')
    await page.waitForTimeout(300)
    expect(patched).toBe(false)
    expect(await field.locator('.error-text').textContent()).toBe('Такой даты нет')
    await page.screenshot({ path: join(SCREENSHOTS, 'card-no-such-date.png') })
  })
})

describe('a record that went away', () => {
  it('deleted while being edited: saving says so, the typed values stay in view', async () => {
    await openCard(12, true)
    await card().locator('input[name=responsible_person]').fill('Зайцев З. З.')
    expect((await stack.api('DELETE', '/api/equipment/12', adminToken)).status).toBe(204)
    await page.click('[data-testid=save]')
    await expect
      .poll(() => card().locator('[data-testid=card-gone]').textContent())
      .toContain('Пока вы редактировали, эту запись удалили')
    expect(await card().locator('output[name=responsible_person]').textContent()).toBe(
      'Зайцев З. З.',
    )
    expect(await card().locator('[data-testid=edit], [data-testid=save]').count()).toBe(0)
    // opened afterwards: said at once, nothing to edit
    await page.goto(`${stack.url}/#/`)
    await page.goto(`${stack.url}/#/equipment/12`)
    await expect
      .poll(() => card().locator('[data-testid=card-gone]').textContent())
      .toContain('Запись не найдена: она удалена')
    expect(await card().locator('[data-testid=edit]').count()).toBe(0)
    expect(pageErrors).toEqual([])
  })

  it('archived while being edited: saving says it is in the archive', async () => {
    await openCard(13, true)
    await card().locator('input[name=verifier_org]').fill('ГПП')
    const archived = await stack.api('POST', '/api/archive', adminToken, {
      equipment_id: 13,
      reason: 'Списание',
    })
    expect(archived.status).toBe(201)
    await page.click('[data-testid=save]')
    await expect
      .poll(() => card().locator('[data-testid=card-gone]').textContent())
      .toContain('перенесли в архив')
    expect(await card().locator('[data-testid=card-gone] a[href="#/archive"]').count()).toBe(1)
  })
})

describe('with the server stopped', () => {
  it('shows «Нет связи с сервером», keeps the rows, disables writes, recovers by itself', async () => {
    const foundBefore = await page.locator('[data-testid=found]').textContent()
    const firstName = await (await cell(0, 'equipment_name')).textContent()
    await stack.stopServer()
    try {
      await page.fill('[data-testid=search]', 'Манометр')
      const banner = page.locator('[data-testid=offline-banner]')
      await expect.poll(() => banner.textContent()).toContain('Нет связи с сервером')
      // nothing shown as empty data: the rows and the counts stay
      expect(await page.locator('[data-testid=found]').textContent()).toBe(foundBefore)
      expect(await page.getByText('Нет записей').count()).toBe(0)
      expect(await (await cell(0, 'equipment_name')).textContent()).toBe(firstName)
      expect(await page.locator('[data-testid=add-equipment]').isDisabled()).toBe(true)
      expect(await page.$eval('revo-grid', (g: any) => g.readonly)).toBe(true)
      await page.screenshot({ path: join(SCREENSHOTS, 'offline.png') })
      // a card opened now: said, not dashes, no buttons
      await page.goto(`${stack.url}/#/equipment/20`)
      await expect
        .poll(() => card().locator('[data-testid=card-offline]').textContent())
        .toContain('Нет связи с сервером')
      expect(await card().locator('output').count()).toBe(0)
      expect(await card().locator('[data-testid=edit]').count()).toBe(0)
    } finally {
      await stack.startServer()
    }
    // back by itself: the banner goes, the card loads, the grid shows the search typed meanwhile
    await expect
      .poll(() => page.locator('[data-testid=offline-banner]').count(), { timeout: 40_000 })
      .toBe(0)
    await card().locator('[data-testid=edit]').waitFor()
    expect(await card().locator('[data-testid=edit]').isDisabled()).toBe(false)
    await page.keyboard.press('Escape')
    const manometers = (await stack.api('GET', '/api/equipment?limit=1&q=Манометр', adminToken))
      .body.total
    await expect
      .poll(() => page.locator('[data-testid=found]').textContent())
      .toMatch(new RegExp(`^Найдено: ${manometers} из`))
  })

  it('a save that cannot reach the server keeps what was typed and says so', async () => {
    await openCard(21, true)
    await card().locator('input[name=responsible_person]').fill('Орлов О. О.')
    await stack.stopServer()
    try {
      await page.click('[data-testid=save]')
      await expect
        .poll(() => card().locator('.alert.error').textContent())
        .toContain('Нет связи с сервером — изменения не сохранены и остаются в форме')
      expect(await card().locator('input[name=responsible_person]').inputValue()).toBe(
        'Орлов О. О.',
      )
      expect(await page.locator('[data-testid=save]').isDisabled()).toBe(true)
    } finally {
      await stack.startServer()
    }
    await expect
      .poll(() => page.locator('[data-testid=save]').isDisabled(), { timeout: 40_000 })
      .toBe(false)
    await page.click('[data-testid=save]')
    await expect.poll(async () => (await rowOf(21)).responsible_person).toBe('Орлов О. О.')
  })
})
