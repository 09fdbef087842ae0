// Browser test of the first screen on an empty register: the admin is told how to fill it
// (Excel import, «+ Добавить», the demo data command); a laborant sees no admin hint.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browser, login, SCREENSHOTS, startStack, type Stack } from './stack.ts'

let stack: Stack

beforeAll(async () => {
  stack = await startStack()
  await stack.makeUser({
    username: 'lab.gtl',
    role: 'laborant',
    department: 'gtl',
    full_name: 'Петрова Анна',
  })
})
afterAll(() => stack?.stop())

async function emptyState(username: string, screenshot?: string) {
  const b = await browser()
  try {
    await b.page.goto(stack.url)
    await b.page.waitForSelector('[data-testid=login]')
    await login(b.page, username)
    const empty = b.page.locator('[data-testid=register-empty]')
    await empty.waitFor()
    expect(await b.page.locator('[data-testid=found]').textContent()).toMatch(/^Найдено: 0/)
    if (screenshot) await b.page.screenshot({ path: join(SCREENSHOTS, screenshot) })
    const text = (await empty.textContent())!.replace(/\s+/g, ' ').trim()
    // a search that finds nothing is not an empty register
    await b.page.locator('[data-testid=search]').fill('нет такого')
    await expect.poll(() => empty.count()).toBe(0)
    await expect
      .poll(() => b.page.locator('.grid-empty').textContent())
      .toBe('Нет записей по заданным условиям')
    return text
  } finally {
    await b.close()
  }
}

describe('empty register', () => {
  it('shows the admin how to fill it, the demo data command included', async () => {
    const text = await emptyState('admin', 'empty-register-admin.png')
    expect(text).toMatch(
      /^Реестр пуст\. Загрузите Excel .* или добавьте оборудование кнопкой «\+ Добавить»/,
    )
    expect(text).toContain('npm run seed:demo')
  })

  it('gives a laborant no admin hint', async () => {
    const text = await emptyState('lab.gtl')
    expect(text).toMatch(/^Реестр пуст\./)
    expect(text).not.toMatch(/Excel|seed:demo|Добавить/)
  })
})
