import { it } from 'vitest'
import { seedEquipment } from './seed.ts'
import { browser, login, startStack } from './stack.ts'
it('debug', async () => {
  const stack = await startStack()
  await seedEquipment(stack.sql, 400)
  const b = await browser()
  const { page } = b
  page.on('console', (m) => console.log('console', m.type(), m.text()))
  page.on('pageerror', (e) => console.log('pageerror', e.message))
  await page.goto(stack.url)
  await page.waitForSelector('[data-testid=login]')
  await login(page, 'admin')
  await page.waitForSelector('[data-testid=grid] revo-grid')
  await page.waitForTimeout(1000)
  await page.evaluate(() => {
    const g = document.querySelector('revo-grid')!
    for (const ev of ['beforeedit', 'beforerangeedit', 'afteredit', 'beforeeditstart'])
      g.addEventListener(ev, (e: any) =>
        console.log('EV', ev, JSON.stringify(Object.keys(e.detail ?? {}))),
      )
  })
  const c = page.locator(
    'revogr-data[type=rgRow][col-type=rgCol] .rgCell[data-rgrow="2"][data-rgcol="0"]',
  )
  await c.dblclick()
  await page.waitForTimeout(300)
  console.log(
    'editors',
    await page.locator('revo-grid revogr-edit').count(),
    await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200)),
  )
  await page.keyboard.type('Тест')
  await page.keyboard.press('Enter')
  await page.waitForTimeout(800)
  await page.screenshot({ path: '/tmp/dbg/edit.png' })
  await page.fill('[data-testid=search]', 'Манометр')
  await page.waitForTimeout(1500)
  await page.screenshot({ path: '/tmp/dbg/search.png' })
  await b.close()
  await stack.stop()
}, 120000)
