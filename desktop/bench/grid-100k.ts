// Benchmark (not a test): the register with 100,000 instruments in the real client. Seeds the
// rows in SQL, starts the real server, opens Debian's Chromium, and measures: sign-in → first
// rows visible; a jump to the end of the grid → the last rows filled; a fast scroll to the end
// (100 stops) → the last rows filled after it stops; a scroll through 30
// screens in steps → every visible row filled; and a search with the new total shown.
// Run: cd desktop && npm run build && TEST_DATABASE_URL=… node --import tsx bench/grid-100k.ts [rows]
import { seedEquipment } from '../e2e/seed.ts'
import { browser, login, startStack } from '../e2e/stack.ts'

const ROWS = Number(process.argv[2] ?? 100_000)
const ms = (t0: number) => `${Math.round(performance.now() - t0)} ms`

const stack = await startStack()
const b = await browser()
try {
  let t0 = performance.now()
  await seedEquipment(stack.sql, ROWS)
  await stack.sql`analyze`
  console.log(`seeded ${ROWS.toLocaleString('ru-RU')} instruments in ${ms(t0)}`)
  const { page } = b
  await page.goto(stack.url)
  await page.waitForSelector('[data-testid=login]')

  t0 = performance.now()
  await login(page, 'admin')
  await page.waitForFunction(
    (rows) => document.querySelector('[data-testid=found]')?.textContent?.includes(rows) &&
      !!document.querySelector('revogr-data .rgCell .status-badge'),
    ROWS.toLocaleString('ru-RU'),
  )
  console.log(`sign-in → first rows visible: ${ms(t0)}`)

  /** every rendered row of the main viewport has its data (no placeholders) */
  const filled = () =>
    page.evaluate(() => {
      const cells = [...document.querySelectorAll('revogr-data[type=rgRow] .rgCell')]
      return cells.length > 0 && !cells.some((c) => c.querySelector('.cell-loading'))
    })

  t0 = performance.now()
  await page.evaluate((rows) => (document.querySelector('revo-grid') as any).scrollToRow(rows - 1), ROWS)
  await page.waitForFunction(
    (last) =>
      !!document.querySelector(`revogr-data[type=rgRow] .rgCell[data-rgrow="${last}"]`) &&
      ![...document.querySelectorAll('revogr-data[type=rgRow] .rgCell')].some((c) =>
        c.querySelector('.cell-loading'),
      ),
    ROWS - 1,
  )
  console.log(`jump to the end → last rows filled: ${ms(t0)}`)

  // a fast scroll to the end, as a dragged scrollbar does: 100 stops ~50 ms apart; every page
  // passed on the way is asked for and (since the client cancels them) dropped again
  await page.evaluate(() => (document.querySelector('revo-grid') as any).scrollToRow(0))
  await page.waitForFunction(() => !!document.querySelector('revogr-data[type=rgRow] .rgCell[data-rgrow="0"]'))
  await page.waitForTimeout(500)
  let requests = 0
  const count = () => void requests++
  page.on('request', count)
  t0 = performance.now()
  for (let stop = 1; stop <= 100; stop++) {
    await page.evaluate((row) => (document.querySelector('revo-grid') as any).scrollToRow(row), Math.round(((ROWS - 1) * stop) / 100))
    await page.waitForTimeout(50)
  }
  const scrolled = performance.now()
  await page.waitForFunction(
    (last) =>
      !!document.querySelector(`revogr-data[type=rgRow] .rgCell[data-rgrow="${last}"]`) &&
      ![...document.querySelectorAll('revogr-data[type=rgRow] .rgCell')].some((c) =>
        c.querySelector('.cell-loading'),
      ),
    ROWS - 1,
    { timeout: 60_000 },
  )
  page.off('request', count)
  console.log(
    `fast scroll to the end (100 stops, ${Math.round(scrolled - t0)} ms) → last rows filled ${Math.round(performance.now() - scrolled)} ms after the scroll stopped; ${requests} page requests started`,
  )

  await page.evaluate(() => (document.querySelector('revo-grid') as any).scrollToRow(0))
  await page.waitForFunction(() => !!document.querySelector('revogr-data[type=rgRow] .rgCell[data-rgrow="0"]'))
  t0 = performance.now()
  let worst = 0
  for (let screen = 1; screen <= 30; screen++) {
    const s0 = performance.now()
    await page.mouse.move(700, 500)
    await page.mouse.wheel(0, 800)
    await page.waitForTimeout(16)
    for (let i = 0; i < 200 && !(await filled()); i++) await page.waitForTimeout(10)
    worst = Math.max(worst, performance.now() - s0)
  }
  console.log(`30 wheel scrolls of 800 px: ${ms(t0)} in all, worst screen ${Math.round(worst)} ms until filled`)

  t0 = performance.now()
  await page.fill('[data-testid=search]', 'Манометр ГТЛ')
  await page.waitForFunction(
    (all) => {
      const t = document.querySelector('[data-testid=found]')?.textContent ?? ''
      return !t.startsWith(`Найдено: ${all}`)
    },
    ROWS.toLocaleString('ru-RU'),
  )
  console.log(`search «Манометр ГТЛ» → total shown: ${ms(t0)} (includes the 300 ms typing pause)`,
    await page.locator('[data-testid=found]').textContent())
} finally {
  await b.close()
  await stack.stop()
}
