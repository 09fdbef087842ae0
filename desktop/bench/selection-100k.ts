// Benchmark (not a test): «Выбрать все найденные» at 100,000 instruments → a labels PDF for 1,000
// of them, in the real client. The register is filled by `npm run seed:demo` (the branch's
// shape) in the stack's scratch database; a department finding a little over 1,000 is filtered
// in the drawer, every row found is selected by query, the surplus is unticked with a
// Shift+click range (so the documents request is {filter, except_ids}), and the labels PDF is
// generated. Measured: selecting all found, the range untick (its pages load), and the PDF from
// the click to the saved file, with its size and pages.
// Run: cd desktop && npm run build && TEST_DATABASE_URL=… node --import tsx bench/selection-100k.ts [rows]
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Request } from 'playwright-core'
import { pdfPages } from '../../test/document-readers.ts'
import { browser, login, ROOT, startStack } from '../e2e/stack.ts'

const ROWS = Number(process.argv[2] ?? 100_000)
const WANTED = 1000
const ms = (t0: number) => `${Math.round(performance.now() - t0)} ms`
const ru = (n: number) => n.toLocaleString('ru-RU')

const stack = await startStack()
const b = await browser()
try {
  let t0 = performance.now()
  execFileSync('npm', ['run', 'seed:demo', '--', '--count', String(ROWS)], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: stack.databaseUrl, DATA_DIR: stack.dataDir },
    stdio: 'inherit',
  })
  await stack.sql`analyze`
  console.log(`seed:demo ${ru(ROWS)} instruments: ${ms(t0)}`)

  // the department finding the fewest rows that are still at least 1,000
  const [choice] = await stack.sql<{ department: string; label: string; n: number }[]>`
    select e.department, d.label, count(*)::int as n
    from equipment_active e
    join departments d on d.code = e.department
    group by e.department, d.label
    having count(*) >= ${WANTED}
    order by count(*)
    limit 1`
  console.log(`filter: department ${choice.label} finds ${ru(choice.n)}`)

  const { page } = b
  await page.goto(stack.url)
  await page.waitForSelector('[data-testid=login]')
  await login(page, 'admin')
  const found = (text: string) =>
    page.waitForFunction(
      (t) => document.querySelector('[data-testid=found]')?.textContent?.includes(t),
      text,
    )
  await found(`Найдено: ${ru(ROWS)}`)

  await page.click('[data-testid=filters-button]')
  await page
    .locator('[data-testid=filters-drawer] label.chip', { hasText: choice.label })
    .first()
    .click()
  await page.click('[data-testid=apply-filters]')
  await found(`Найдено: ${ru(choice.n)} из`)

  const selected = (n: number) =>
    page.waitForFunction(
      (t) => document.querySelector('[data-testid=selected-count]')?.textContent === t,
      `Выбрано: ${ru(n)}`,
    )
  t0 = performance.now()
  await page.click('[data-testid=select-all-found]')
  await selected(choice.n)
  console.log(`«Выбрать все найденные (${ru(choice.n)})» → «Выбрано» shown: ${ms(t0)}`)

  // untick rows WANTED … n−1: a click on the first, Shift+click on the last
  const check = (row: number) =>
    page.locator(`revogr-data[col-type=colPinStart] .rgCell[data-rgrow="${row}"] .row-check`)
  const scrollTo = async (row: number) => {
    await page.evaluate((r) => (document.querySelector('revo-grid') as any).scrollToRow(r), row)
    await check(row).waitFor()
  }
  t0 = performance.now()
  if (choice.n > WANTED) {
    await scrollTo(WANTED)
    await check(WANTED).uncheck()
    if (choice.n - 1 > WANTED) {
      await scrollTo(choice.n - 1)
      await check(choice.n - 1).click({ modifiers: ['Shift'] })
    }
  }
  await selected(WANTED)
  console.log(`untick ${ru(choice.n - WANTED)} rows (a Shift range, its pages loaded): ${ms(t0)}`)

  await page.click('[data-testid=documents-menu]')
  await page.locator('.menu-head input[value=pdf]').check()
  let body = ''
  const spy = (r: Request) => {
    if (r.url().endsWith('/api/documents/labels')) body = r.postData() ?? ''
  }
  page.on('request', spy)
  t0 = performance.now()
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('.menu button[role=menuitem]', { hasText: 'Этикетки' }).first().click(),
  ])
  const path = join(stack.dataDir, download.suggestedFilename())
  await download.saveAs(path)
  const took = ms(t0)
  const bytes = readFileSync(path)
  const sent = JSON.parse(body)
  console.log(
    `labels PDF for ${ru(WANTED)} (${download.suggestedFilename()}, ${(bytes.length / 1e6).toFixed(2)} MB, ` +
      `${pdfPages(bytes)} pages): ${took} from the click to the saved file; ` +
      `request ${ru(body.length)} bytes, filter ${JSON.stringify(sent.filter)}, ` +
      `${ru(sent.except_ids.length)} except_ids`,
  )
} finally {
  await b.close()
  await stack.stop()
}
