// Browser tests of dialogs, unsaved work and the keyboard: Esc
// closes only the top layer and the focus comes back; an edited card asks «Сохранить
// изменения?»; a version conflict keeps the typed values beside the other user's; archiving asks
// for a reason from the list (no prompt(), which Electron lacks); panels and menus close on Esc,
// menus move with the arrow keys; the filter panel's date fields fit inside it.
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { seedEquipment } from './seed.ts'
import { browser, login, SCREENSHOTS, startStack, type Stack } from './stack.ts'

let stack: Stack
let adminToken: string
let otherToken: string
let b: Awaited<ReturnType<typeof browser>>
let page: Page

beforeAll(async () => {
  stack = await startStack()
  await seedEquipment(stack.sql, 60)
  await stack.makeUser({ username: 'metrolog2', role: 'admin', full_name: 'Соколова Вера' })
  adminToken = await stack.token('admin')
  otherToken = await stack.token('metrolog2')
  b = await browser()
  page = b.page
  await page.goto(stack.url)
  await page.waitForSelector('[data-testid=login]')
  await login(page, 'admin')
  await page.waitForSelector('[data-testid=grid] revo-grid')
})
// a fresh page for each test: a failed one leaves no dialog behind for the next
beforeEach(async () => {
  await page.goto(`${stack.url}/#/`)
  await page.reload()
  await page.waitForSelector('[data-testid=grid] revo-grid')
})
afterAll(async () => {
  await b?.close()
  await stack?.stop()
})

const rowOf = async (id: number) =>
  (await stack.api('GET', `/api/equipment/${id}`, adminToken)).body
/** whether the focused element is inside the element marked `testid` */
const focusIsIn = (testid: string) =>
  page.evaluate((id) => !!document.activeElement?.closest(`[data-testid="${id}"]`), testid)
const focusedText = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '')
const count = (selector: string) => page.locator(selector).count()

async function openCard(id: number) {
  await page.goto(`${stack.url}/#/equipment/${id}`)
  await page.waitForSelector('[data-testid=equipment-form] [data-testid=edit]')
}

describe('layers and unsaved work', () => {
  it('Esc in «Новая поверка» closes only that dialog; the focus goes back to its button', async () => {
    await openCard(3)
    await page.click('[data-testid=new-verification]')
    await page.waitForSelector('[data-testid=verification-dialog]')
    await expect.poll(() => focusIsIn('verification-dialog')).toBe(true)
    await page.keyboard.press('Escape')
    await expect.poll(() => count('[data-testid=verification-dialog]')).toBe(0)
    expect(await count('[data-testid=equipment-form]')).toBe(1)
    await expect.poll(focusedText).toBe('Новая поверка')
    // a typed date makes «Новая поверка» ask too
    await page.click('[data-testid=new-verification]')
    await page
      .locator('[data-testid=verification-dialog] input[name=certificate_number]')
      .fill('С-1')
    await page.keyboard.press('Escape')
    await page.waitForSelector('[data-testid=unsaved-dialog]')
    await page.click('[data-testid=unsaved-discard]')
    await expect.poll(() => count('[data-testid=verification-dialog]')).toBe(0)
    expect(await count('[data-testid=equipment-form]')).toBe(1)
    await page.keyboard.press('Escape')
    await expect.poll(() => count('[data-testid=equipment-form]')).toBe(0)
  })

  it('an edited card asks «Сохранить изменения?» on Esc and on the backdrop', async () => {
    const before = await rowOf(4)
    await openCard(4)
    await page.click('[data-testid=edit]')
    const person = page.locator('[data-testid=equipment-form] input[name=responsible_person]')
    await person.fill('Новикова Л. Л.')
    await page.keyboard.press('Escape')
    const ask = page.locator('[data-testid=unsaved-dialog]')
    await ask.waitFor()
    await expect.poll(() => focusIsIn('unsaved-dialog')).toBe(true)
    // Tab stays inside the question
    for (let i = 0; i < 5; i++) await page.keyboard.press('Tab')
    expect(await focusIsIn('unsaved-dialog')).toBe(true)
    await page.screenshot({ path: join(SCREENSHOTS, 'unsaved-changes.png') })
    await page.click('[data-testid=unsaved-cancel]')
    await expect.poll(() => ask.count()).toBe(0)
    expect(await person.inputValue()).toBe('Новикова Л. Л.')

    // the backdrop: «Не сохранять» closes without writing
    await page.mouse.click(20, 500)
    await ask.waitFor()
    await page.click('[data-testid=unsaved-discard]')
    await expect.poll(() => count('[data-testid=equipment-form]')).toBe(0)
    expect((await rowOf(4)).responsible_person).toBe(before.responsible_person)

    // «Сохранить» writes and closes
    await openCard(4)
    await page.click('[data-testid=edit]')
    await person.fill('Новикова Л. Л.')
    await page.locator('[data-testid=equipment-form] button[aria-label=Закрыть]').click()
    await page.click('[data-testid=unsaved-save]')
    await expect.poll(() => count('[data-testid=equipment-form]')).toBe(0)
    expect((await rowOf(4)).responsible_person).toBe('Новикова Л. Л.')
    // nothing edited: closes at once
    await openCard(4)
    await page.keyboard.press('Escape')
    await expect.poll(() => count('[data-testid=equipment-form]')).toBe(0)
    expect(await count('[data-testid=unsaved-dialog]')).toBe(0)
  })

  it("a conflict keeps the typed values beside the other user's, field by field", async () => {
    await openCard(5)
    await page.click('[data-testid=edit]')
    const form = page.locator('[data-testid=equipment-form]')
    await form.locator('input[name=responsible_person]').fill('Мой вариант')
    await form.locator('input[name=equipment_model]').fill('МОЯ-МОДЕЛЬ')
    // meanwhile another metrologist saves the same record
    const version = (await rowOf(5)).version
    const other = await stack.api('PATCH', '/api/equipment/5', otherToken, {
      version,
      responsible_person: 'Чужой вариант',
      verifier_org: 'ВНИИМ',
    })
    expect(other.status).toBe(200)
    await page.click('[data-testid=save]')
    const conflict = form.locator('[data-testid=conflict]')
    await conflict.waitFor()
    expect(await conflict.textContent()).toContain('Соколова Вера')
    const row = conflict.locator('tr[data-field=responsible_person]')
    expect((await row.locator('td').allTextContents()).map((t) => t.trim())).toEqual([
      'Мой вариант',
      'Чужой вариант',
    ])
    expect(await conflict.locator('tr[data-field]').count()).toBe(1)
    // what was typed stays; what only the other changed is taken
    expect(await form.locator('input[name=responsible_person]').inputValue()).toBe('Мой вариант')
    expect(await form.locator('input[name=equipment_model]').inputValue()).toBe('МОЯ-МОДЕЛЬ')
    expect(await form.locator('input[name=verifier_org]').inputValue()).toBe('ВНИИМ')
    await page.screenshot({ path: join(SCREENSHOTS, 'card-conflict.png') })
    await row.locator('input[data-choice=theirs]').check()
    expect(await form.locator('input[name=responsible_person]').inputValue()).toBe('Чужой вариант')
    await row.locator('input[data-choice=mine]').check()
    await page.click('[data-testid=save]')
    await expect
      .poll(async () => {
        const r = await rowOf(5)
        return [r.responsible_person, r.equipment_model, r.verifier_org]
      })
      .toEqual(['Мой вариант', 'МОЯ-МОДЕЛЬ', 'ВНИИМ'])
    await expect.poll(() => conflict.count()).toBe(0)
    await page.keyboard.press('Escape')
  })
})

describe('archiving asks for the reason in the app (no prompt())', () => {
  it('from the card: the list of reasons; the chosen one is saved', async () => {
    await openCard(7)
    await page.click('[data-testid=archive]')
    const dialog = page.locator('[data-testid=archive-dialog]')
    await dialog.waitFor()
    expect(
      (await dialog.locator('label.check-line').allTextContents()).map((t) => t.trim()),
    ).toEqual([
      'Извещение о непригодности',
      'Списание',
      'Утеря',
      'Передача в другой филиал',
      'Другое…',
    ])
    // «Другое…» without a text is refused at its field
    await dialog.locator('label', { hasText: 'Другое…' }).click()
    await dialog.locator('[data-testid=archive-confirm]').click()
    expect(await dialog.locator('.error-text').textContent()).toBe('Укажите причину списания')
    await dialog.locator('label', { hasText: 'Утеря' }).click()
    await dialog.locator('[data-testid=archive-confirm]').click()
    await expect
      .poll(async () => (await stack.api('GET', '/api/archive/7', adminToken)).body.archive_reason)
      .toBe('Утеря')
    await expect.poll(() => count('[data-testid=equipment-form]')).toBe(0)
  })

  it('from the grid: the selected rows with one reason; Esc cancels without archiving', async () => {
    await page.goto(`${stack.url}/#/`)
    const check = (row: number) =>
      page.locator(`revogr-data[col-type=colPinStart] .rgCell[data-rgrow="${row}"] .row-check`)
    await check(10).check()
    await check(11).check()
    const ids = await page.evaluate(async () => {
      const src = await (document.querySelector('revo-grid') as any).getSource()
      return [src[10].id, src[11].id] as number[]
    })
    await page.click('[data-testid=archive-selected]')
    await page.waitForSelector('[data-testid=archive-dialog]')
    await page.keyboard.press('Escape')
    await expect.poll(() => count('[data-testid=archive-dialog]')).toBe(0)
    expect((await stack.api('GET', `/api/archive/${ids[0]}`, adminToken)).status).toBe(404)
    await page.click('[data-testid=archive-selected]')
    await page
      .locator('[data-testid=archive-dialog] label', { hasText: 'Передача в другой филиал' })
      .click()
    await page.click('[data-testid=archive-confirm]')
    for (const id of ids)
      await expect
        .poll(
          async () =>
            (await stack.api('GET', `/api/archive/${id}`, adminToken)).body.archive_reason,
        )
        .toBe('Передача в другой филиал')
    await expect.poll(() => count('[data-testid=selected-count]')).toBe(0)
  })
})

describe('keyboard', () => {
  it('Esc closes the filters and columns panels and the password dialog, focus comes back', async () => {
    await page.goto(`${stack.url}/#/`)
    await page.waitForSelector('[data-testid=grid] revo-grid')
    for (const [button, panel] of [
      ['filters-button', 'filters-drawer'],
      ['columns-button', 'column-chooser'],
    ]) {
      await page.click(`[data-testid=${button}]`)
      await page.waitForSelector(`[data-testid=${panel}]`)
      await expect.poll(() => focusIsIn(panel)).toBe(true)
      await page.keyboard.press('Escape')
      await expect.poll(() => count(`[data-testid=${panel}]`)).toBe(0)
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
        .toBe(button)
    }
    await page.click('[data-testid=profile]')
    await page.locator('.menu [role=menuitem]', { hasText: 'Сменить пароль' }).click()
    await page.waitForSelector('[data-testid=password-dialog]')
    await expect.poll(() => focusIsIn('password-dialog')).toBe(true)
    await page.keyboard.press('Escape')
    await expect.poll(() => count('[data-testid=password-dialog]')).toBe(0)
  })

  it('menus: focus on the first item, arrows/Home/End move, Esc closes back to the button', async () => {
    await page.click('[data-testid=documents-menu]')
    await expect.poll(focusedText).toMatch(/^Этикетки/)
    await page.keyboard.press('ArrowDown')
    await expect.poll(focusedText).toMatch(/^Этикетка «НА КОНСЕРВАЦИИ»/)
    await page.keyboard.press('End')
    await expect.poll(focusedText).toMatch(/^График поверки/)
    await page.keyboard.press('ArrowDown')
    await expect.poll(focusedText).toMatch(/^Этикетки/)
    await page.keyboard.press('ArrowUp')
    await expect.poll(focusedText).toMatch(/^График поверки/)
    await page.keyboard.press('Home')
    await expect.poll(focusedText).toMatch(/^Этикетки/)
    await page.keyboard.press('Escape')
    await expect.poll(() => count('.menu')).toBe(0)
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('documents-menu')
    // the admin menu too; a click outside closes it
    await page.click('[data-testid=admin-menu]')
    await expect.poll(focusedText).toBe('Добавить оборудование')
    await page.keyboard.press('ArrowDown')
    await expect.poll(focusedText).toBe('Архив (списано)')
    await page.mouse.click(700, 600)
    await expect.poll(() => count('.menu')).toBe(0)
  })

  it("the filter panel's date fields fit inside it", async () => {
    await page.click('[data-testid=filters-button]')
    const drawer = page.locator('[data-testid=filters-drawer]')
    await drawer.waitFor()
    const box = (await drawer.boundingBox())!
    for (const name of [
      'due_from',
      'due_to',
      'verified_from',
      'verified_to',
      'plan_from',
      'plan_to',
    ]) {
      const input = (await drawer.locator(`input[name=${name}]`).boundingBox())!
      expect(input.x, name).toBeGreaterThanOrEqual(box.x)
      expect(input.x + input.width, name).toBeLessThanOrEqual(box.x + box.width - 16)
    }
    const body = drawer.locator('.drawer-body')
    expect(await body.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true)
    await page.screenshot({ path: join(SCREENSHOTS, 'filters-drawer.png') })
    await page.keyboard.press('Escape')
  })
})
