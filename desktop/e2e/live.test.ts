// The live register in two browsers: what one signed-in window does — an edit, a new
// verification cycle, an archive — shows in the other within a second, without a reload: the row
// in place, the open card's notice «Запись изменена (…) — обновить», the total.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { seedEquipment } from './seed.ts'
import { browser, login, startStack, type Stack } from './stack.ts'

let stack: Stack
let ids: { first: number; last: number }

beforeAll(async () => {
  stack = await startStack()
  ids = await seedEquipment(stack.sql, 5)
  await stack.makeUser({ username: 'editor', role: 'admin', full_name: 'Иванов И. И.' })
})
afterAll(() => stack?.stop())

const found = (page: Page) => page.locator('[data-testid=found]').textContent()

async function signedIn(username: string) {
  const b = await browser()
  await b.page.goto(stack.url)
  await b.page.waitForSelector('[data-testid=login]')
  await login(b.page, username)
  await b.page.waitForSelector('[data-testid=grid] revo-grid')
  await b.page.waitForSelector('[data-testid=live-indicator][data-status=live]')
  return b
}

/** a request from the window's own session (its token), as its screens send them */
const send = (page: Page, method: string, path: string, body?: unknown) =>
  page.evaluate(
    async ([method, path, body]) => {
      const { token } = JSON.parse(localStorage.getItem('deltica.session')!)
      const r = await fetch(path as string, {
        method: method as string,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      return { status: r.status, body: await r.json().catch(() => null) }
    },
    [method, path, body] as const,
  )

const version = async (page: Page, id: number) =>
  (await send(page, 'GET', `/api/equipment/${id}`)).body.version as number

describe('live register, two browsers', () => {
  it('an edit, a new cycle and an archive in one window appear in the other within 1 s', async () => {
    const one = await signedIn('editor')
    const two = await signedIn('admin')
    try {
      const id = ids.first
      await expect.poll(() => found(two.page)).toBe('Найдено: 5 из 5')

      // an edit: the row changes in place in the other window's grid
      const edit = await send(one.page, 'PATCH', `/api/equipment/${id}`, {
        version: await version(one.page, id),
        responsible_person: 'Живой Ж. Ж.',
      })
      expect(edit.status).toBe(200)
      await two.page
        .locator('revo-grid')
        .getByText('Живой Ж. Ж.')
        .first()
        .waitFor({ timeout: 1000 })

      // the other window has that cell's editor open: its typing is not overwritten, it is told
      // who changed the row, and Esc brings the new values
      const living = two.page.locator('revo-grid .rgCell', { hasText: 'Живой Ж. Ж.' }).first()
      await living.dblclick()
      await two.page
        .locator('revo-grid revogr-edit input, revo-grid revogr-edit textarea')
        .waitFor()
      await two.page.keyboard.type('Моё')
      const again = await send(one.page, 'PATCH', `/api/equipment/${id}`, {
        version: await version(one.page, id),
        responsible_person: 'Третий Т. Т.',
      })
      expect(again.status).toBe(200)
      const toast = two.page.locator('[data-testid=toast]')
      await expect
        .poll(() => toast.textContent(), { timeout: 1000, interval: 50 })
        .toMatch(/Изменено пользователем Иванов И\. И\. \(\d\d:\d\d\)/)
      expect(await two.page.locator('revo-grid revogr-edit').count()).toBe(1)
      await two.page.keyboard.press('Escape')
      await two.page.locator('revo-grid .rgCell', { hasText: 'Третий Т. Т.' }).first().waitFor()

      // a new cycle while the other window has the card open: the card says so
      await two.page.evaluate((id) => (location.hash = `#/equipment/${id}`), id)
      await two.page.waitForSelector('form.dialog-body')
      const cycle = await send(one.page, 'POST', `/api/equipment/${id}/verifications`, {
        version: await version(one.page, id),
        verification_date: new Date().toISOString().slice(0, 10),
      })
      expect(cycle.status).toBe(201)
      const notice = two.page.locator('[data-testid=live-notice]')
      await notice.waitFor({ timeout: 1000 })
      expect(await notice.textContent()).toMatch(
        /Запись изменена \(Иванов И\. И\., \d\d:\d\d\) —\s*обновить/,
      )
      await notice.getByRole('button', { name: 'обновить' }).click()
      await notice.waitFor({ state: 'detached' })
      await two.page.keyboard.press('Escape')

      // an archive: the other window's total goes down
      const archived = await send(one.page, 'POST', '/api/archive', {
        equipment_id: ids.last,
        reason: 'Списан: неисправен',
      })
      expect(archived.status).toBe(201)
      await expect
        .poll(() => found(two.page), { timeout: 1000, interval: 50 })
        .toBe('Найдено: 4 из 4')
    } finally {
      await one.close()
      await two.close()
    }
  })
})
