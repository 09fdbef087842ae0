// node .ci/lib/sign-in-page.mjs URL [SCREENSHOT]: opens URL in Chromium (playwright-core, the
// Debian browser) and exits non-zero unless the Russian sign-in form is shown.
import { chromium } from 'playwright-core'

const [url, screenshot] = process.argv.slice(2)
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] })
try {
  const page = await browser.newPage()
  await page.goto(url)
  const form = page.locator('[data-testid=login]')
  await form.waitFor({ timeout: 30_000 })
  const text = (await form.textContent()) ?? ''
  for (const words of ['Учёт метрологического оборудования', 'Войти'])
    if (!text.includes(words)) throw new Error(`the sign-in page has no «${words}»: ${text}`)
  if (screenshot) await page.screenshot({ path: screenshot })
  console.log(`sign-in page at ${url}: ok`)
} finally {
  await browser.close()
}
