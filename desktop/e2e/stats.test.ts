// Statistics that agree and the admin screens in plain Russian, in the real browser: every
// clickable figure of «Статистика» and «Аналитика» equals the rows its click opens; the charts'
// labels neither overlap nor are cut at 1280×720; users' full name and e-mail edited in place;
// the settings' test e-mail and «Разослать сейчас» against a real SMTP server; a refused setting
// highlighted with the server's message; the monitor's CPU, connections and backup age.
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { seedEquipment } from './seed.ts'
import { browser, login, SCREENSHOTS, startStack, type Stack } from './stack.ts'

let stack: Stack
let adminToken: string
let admin: Awaited<ReturnType<typeof browser>>
let page: Page
let smtp: SMTPServer
let smtpPort: number
const received: { to: string[] }[] = []

beforeAll(async () => {
  stack = await startStack()
  await seedEquipment(stack.sql, 300)
  await stack.makeUser({ username: 'lab.gtl', role: 'laborant', department: 'gtl' })
  adminToken = await stack.token('admin')
  // unfit notices this year: two instruments of the laboratory archived with the reason
  for (const id of [1, 101]) {
    const r = await stack.api('POST', '/api/archive', adminToken, {
      equipment_id: id,
      reason: 'Извещение о непригодности № 7',
    })
    if (r.status >= 300) throw new Error(`archive ${id}: ${JSON.stringify(r.body)}`)
  }
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      stream.on('data', () => {})
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((a) => a.address) })
        callback()
      })
    },
  })
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r))
  smtpPort = (smtp.server.address() as AddressInfo).port
  admin = await browser()
  page = admin.page
  await page.setViewportSize({ width: 1280, height: 720 })
  await page.goto(stack.url)
  await page.waitForSelector('[data-testid=login]')
  await login(page, 'admin')
  await page.waitForSelector('[data-testid=grid] revo-grid')
})
afterAll(async () => {
  await admin?.close()
  await stack?.stop()
  await new Promise((r) => smtp?.close(() => r(null)))
})

async function go(p: Page, path: string, testid: string) {
  await p.goto(`${stack.url}/#${path}`)
  await p.waitForSelector(`[data-testid=${testid}]`)
}
const number = (text: string | null) => Number((text ?? '').replace(/[\s\u00a0\u202f]/g, ''))

/** the grid's «Найдено: N из M» once it shows `expected` (or the last N seen) */
async function found(p: Page, expected: number) {
  await p.waitForSelector('[data-testid=grid] revo-grid')
  let seen = NaN
  await expect
    .poll(
      async () => {
        const m = /^Найдено: ([\d\s\u00a0\u202f]+) из/.exec(
          (await p.locator('[data-testid=found]').textContent()) ?? '',
        )
        seen = m ? number(m[1]) : NaN
        return seen
      },
      { timeout: 10_000 },
    )
    .toBe(expected)
  return seen
}

/** the header's metrics all visible: the strip does not scroll */
async function headerFits(p: Page) {
  await expect
    .poll(() => p.locator('[data-testid=metrics] .metric-value').first().textContent())
    .toMatch(/\d/)
  return p
    .locator('[data-testid=metrics]')
    .evaluate((el) => [el.scrollWidth, el.clientWidth])
    .then(([scroll, client]) => scroll <= client + 1)
}

/**
 * Opens the screen, clicks each `[data-figure]` in turn and checks that the grid shows as many
 * rows as the figure said. Returns how many figures were checked.
 */
async function everyFigureOpensItsRows(p: Page, path: string, testid: string) {
  await go(p, path, testid)
  await p.waitForSelector('[data-figure]')
  const figures = await p
    .locator('[data-figure]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-figure')!))
  expect(new Set(figures).size).toBe(figures.length)
  for (const figure of figures) {
    await go(p, path, testid)
    const el = p.locator(`[data-figure="${figure}"]`)
    await el.waitFor()
    // a person's link opens their overdue instruments: the figure is the row's count
    const text = figure.startsWith('person-')
      ? await el.locator('xpath=ancestor::tr/td[last()]').textContent()
      : await el.evaluate((e) => (e.querySelector('.value, b') ?? e).textContent ?? '')
    const value = number(text)
    expect(Number.isFinite(value), `${figure}: ${text}`).toBe(true)
    await el.click()
    expect(await found(p, value), figure).toBe(value)
  }
  return figures.length
}

describe('statistics that agree', () => {
  it('laborant: every figure of «Статистика» equals the rows its click opens; notices list', async () => {
    const b = await browser()
    try {
      const p = b.page
      await p.setViewportSize({ width: 1280, height: 720 })
      await p.goto(stack.url)
      await p.waitForSelector('[data-testid=login]')
      await login(p, 'lab.gtl')
      await p.waitForSelector('[data-testid=grid] revo-grid')
      await go(p, '/stats', 'stats-screen')
      await p.waitForSelector('[data-testid=fit-card]')
      // the figures say what they count: «Признано годными за период» is not «Годных сейчас»
      const text = await p.locator('[data-testid=stats-screen]').textContent()
      expect(text).toContain('Годных сейчас')
      expect(text).toContain('Признано годными за период')
      expect(text).not.toMatch(/Годных\s*\d/)
      expect(await headerFits(p)).toBe(true)
      expect(await everyFigureOpensItsRows(p, '/stats', 'stats-screen')).toBeGreaterThanOrEqual(6)

      // the notices figure scrolls to their list: as many rows as the figure
      await go(p, '/stats', 'stats-screen')
      const notices = number(await p.locator('[data-testid=notices]').textContent())
      expect(notices).toBeGreaterThan(0)
      await p.click('[data-testid=notices-card]')
      expect(await p.locator('[data-testid=notices-table] tbody tr').count()).toBe(notices)
    } finally {
      await b.close()
    }
  })

  it('admin: every figure of «Статистика» equals the rows its click opens', async () => {
    expect(await everyFigureOpensItsRows(page, '/stats', 'stats-screen')).toBeGreaterThanOrEqual(6)
  })

  it('analytics: outlook, budget by month, calendar totals, people top list; every figure agrees', async () => {
    await go(page, '/analytics', 'analytics-screen')
    await page.waitForSelector('[data-testid=calendar-totals]')
    const screen = page.locator('[data-testid=analytics-screen]')
    expect(await screen.textContent()).toContain('Прогноз')
    expect(await page.locator('[data-testid=due-cards] .card').count()).toBe(3)
    expect(await screen.textContent()).toMatch(/Бюджет на \d{4} г\. по месяцам/)
    // the totals row adds up the departments
    const api = (await stack.api('GET', '/api/stats/analytics', adminToken)).body
    const planned = api.calendar.reduce((a: number, r: any) => a + r.total, 0)
    expect(number(await page.locator('[data-figure=plan-year]').textContent())).toBe(planned)
    // people: the most overdue first, ten shown until «показать всех»
    const people = page.locator('[data-testid=overdue-people] tbody tr')
    expect(api.overdue.by_responsible.length).toBeGreaterThan(10)
    expect(await people.count()).toBe(10)
    const counts = await people.locator('td:last-child').allTextContents()
    expect(counts.map(number)).toEqual(counts.map(number).sort((a, b) => b - a))
    await page.click('[data-testid=people-toggle]')
    expect(await people.count()).toBe(api.overdue.by_responsible.length)
    await page.click('[data-testid=people-toggle]')
    await page.evaluate(() => document.querySelector('.two-columns')?.scrollIntoView())
    await page.screenshot({ path: join(SCREENSHOTS, 'analytics-charts.png') })

    expect(await everyFigureOpensItsRows(page, '/analytics', 'analytics-screen')).toBeGreaterThan(
      20,
    )

    // the overdue-by-department bars open their departments
    await go(page, '/analytics', 'analytics-screen')
    await page.waitForSelector('svg.bar-chart g[role=button]')
    const bars = await page.locator('svg.bar-chart g[role=button]').count()
    expect(bars).toBeGreaterThan(0)
    for (let i = 0; i < bars; i++) {
      await go(page, '/analytics', 'analytics-screen')
      await page.waitForSelector('svg.bar-chart g[role=button]')
      const bar = page.locator('svg.bar-chart g[role=button]').nth(i)
      const value = number(await bar.locator('.bar-value').textContent())
      await bar.click()
      await found(page, value)
    }
  })

  it('charts and figures at 1280×720: no label overlaps another or is cut off', async () => {
    for (const [path, testid] of [
      ['/analytics', 'analytics-screen'],
      ['/stats', 'stats-screen'],
    ]) {
      await go(page, path, testid)
      await page.waitForSelector('.cards .card')
      if (path === '/analytics') await page.waitForSelector('svg.bar-chart text')
      const problems = await page.evaluate(() => {
        const out: string[] = []
        const inside = (r: DOMRect, box: DOMRect) =>
          r.left >= box.left - 0.5 &&
          r.right <= box.right + 0.5 &&
          r.top >= box.top - 0.5 &&
          r.bottom <= box.bottom + 0.5
        const overlap = (a: DOMRect, b: DOMRect) =>
          a.left < b.right - 0.5 &&
          b.left < a.right - 0.5 &&
          a.top < b.bottom - 0.5 &&
          b.top < a.bottom - 0.5
        for (const svg of document.querySelectorAll('svg.bar-chart')) {
          const box = svg.getBoundingClientRect()
          const texts = [...svg.querySelectorAll('text')].map((t) => ({
            text: t.textContent ?? '',
            r: t.getBoundingClientRect(),
          }))
          for (const t of texts) if (!inside(t.r, box)) out.push(`cut: ${t.text}`)
          for (let i = 0; i < texts.length; i++)
            for (let j = i + 1; j < texts.length; j++)
              if (overlap(texts[i].r, texts[j].r))
                out.push(`overlap: ${texts[i].text} / ${texts[j].text}`)
        }
        // card captions and values, table cells: nothing wider than its box
        for (const el of document.querySelectorAll<HTMLElement>('.card, .panel'))
          if (el.scrollWidth > el.clientWidth + 1) out.push(`cut: ${el.textContent?.slice(0, 40)}`)
        // each table and chart stays inside its panel, and no panel lies over another (the plan
        // calendar once took the date picker's absolute position and covered the charts)
        const panels = [...document.querySelectorAll<HTMLElement>('.panel')]
        for (const panel of panels) {
          const box = panel.getBoundingClientRect()
          for (const el of panel.querySelectorAll<HTMLElement>('table, svg.bar-chart'))
            if (!inside(el.getBoundingClientRect(), box))
              out.push(`outside its panel: ${el.textContent?.slice(0, 40)}`)
        }
        for (let i = 0; i < panels.length; i++)
          for (let j = i + 1; j < panels.length; j++)
            if (overlap(panels[i].getBoundingClientRect(), panels[j].getBoundingClientRect()))
              out.push(
                `panels overlap: ${panels[i].textContent?.slice(0, 30)} / ${panels[j].textContent?.slice(0, 30)}`,
              )
        return out
      })
      expect(problems, path).toEqual([])
      expect(await headerFits(page)).toBe(true)
    }
  })
})

describe('admin screens', () => {
  it('users: full name and e-mail edited in place; a wrong address is refused under the field', async () => {
    await go(page, '/users', 'users-screen')
    const row = page.locator('tr[data-username="lab.gtl"]')
    await row.waitFor()
    // at 1280×720 the whole table (e-mail and Windows columns too) stays inside its panel
    await expect
      .poll(() => row.locator('select[aria-label=Подразделение] option:checked').textContent())
      .toBe('ГТЛ')
    const [table, panel] = await page
      .locator('[data-testid=users-table]')
      .evaluate((t) => [
        t.getBoundingClientRect().right,
        t.parentElement!.getBoundingClientRect().right,
      ])
    expect(table).toBeLessThanOrEqual(panel)
    await row.locator('input[name=full_name]').fill('Петрова Анна Сергеевна')
    await row.locator('input[name=full_name]').press('Enter')
    await row.locator('input[name=email]').fill('not-an-address')
    await row.locator('input[name=email]').press('Enter')
    await expect.poll(() => row.locator('.error-text').textContent()).toContain('e-mail')
    await row.locator('input[name=email]').fill('petrova@branch.local')
    await row.locator('input[name=email]').press('Enter')
    await expect
      .poll(async () => {
        const users = (await stack.api('GET', '/api/users', adminToken)).body.items
        const u = users.find((x: any) => x.username === 'lab.gtl')
        return [u.full_name, u.email]
      })
      .toEqual(['Петрова Анна Сергеевна', 'petrova@branch.local'])
    await expect.poll(() => row.locator('.error-text').count()).toBe(0)
    const me = page.locator('tr[data-username="admin"] input[name=email]')
    await me.fill('admin@branch.local')
    await me.press('Enter')
    await expect
      .poll(
        async () =>
          (await stack.api('GET', '/api/users', adminToken)).body.items.find(
            (x: any) => x.username === 'admin',
          ).email,
      )
      .toBe('admin@branch.local')
  })

  it('settings: a refused value is highlighted with the server’s message and named', async () => {
    await go(page, '/settings', 'settings-screen')
    await page.locator('input[name=notify_hour]').fill('30')
    await page.click('[data-testid=save-settings]')
    const field = page.locator('label.field.invalid:has(input[name=notify_hour])')
    await field.waitFor()
    expect(await field.locator('.error-text').textContent()).toMatch(/23/)
    await expect
      .poll(() => page.locator('[data-testid=toast]').textContent())
      .toContain('«Час ежедневной рассылки напоминаний (0–23)»')
    expect(await page.locator('[data-testid=toast]').textContent()).not.toContain(
      'Проверьте поля запроса',
    )
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe(
      'notify_hour',
    )
    await page.locator('input[name=notify_hour]').fill('8')
  })

  it('settings: «Отправить тестовое письмо» and «Разослать сейчас» through a real SMTP server', async () => {
    const r = await stack.api('PUT', '/api/settings', adminToken, {
      version: (await stack.api('GET', '/api/settings', adminToken)).body.version,
      smtp: {
        host: '127.0.0.1',
        port: smtpPort,
        security: 'none',
        user: '',
        from: 'deltica@branch.local',
        tls_verify: false,
      },
    })
    expect(r.status).toBe(200)
    await go(page, '/settings', 'settings-screen')
    const panel = page.locator('[data-testid=mail-actions]')
    await panel.locator('[data-testid=test-email]').click()
    await expect
      .poll(() => panel.locator('[data-testid=mail-result]').textContent())
      .toBe('Тестовое письмо отправлено на admin@branch.local')
    await panel.locator('input[name=test_to]').fill('metrolog@branch.local')
    await panel.locator('[data-testid=test-email]').click()
    await expect
      .poll(() => panel.locator('[data-testid=mail-result]').textContent())
      .toBe('Тестовое письмо отправлено на metrolog@branch.local')
    expect(received.map((m) => m.to.join())).toEqual([
      'admin@branch.local',
      'metrolog@branch.local',
    ])

    await panel.locator('[data-testid=run-digest]').click()
    await expect
      .poll(() => panel.locator('[data-testid=mail-result]').textContent())
      .toContain('Рассылка выключена')
    await stack.api('PUT', '/api/settings', adminToken, {
      notify_enabled: true,
      version: (await stack.api('GET', '/api/settings', adminToken)).body.version,
    })
    await panel.locator('[data-testid=run-digest]').click()
    await expect
      .poll(() => panel.locator('[data-testid=mail-result]').textContent())
      .toMatch(/^Разослано писем: [1-9]\d* из \d+$/)
    expect(received.length).toBeGreaterThan(2)
    await panel.scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(SCREENSHOTS, 'settings-mail.png') })
  })

  it('monitor: CPU, memory, disk, database size and connections, last backup red when old', async () => {
    await stack.sql`
      insert into backups (started_at, finished_at, kind, status, file_name, size_bytes)
      values (now() - interval '3 days', now() - interval '3 days', 'scheduled', 'ok', 'a.tar', 1048576)`
    await go(page, '/monitor', 'monitor-screen')
    await page.waitForSelector('[data-testid=cpu]')
    expect(await page.locator('[data-testid=cpu] .value').textContent()).toMatch(/^\d+(,\d)? %$/)
    expect(
      number(await page.locator('[data-testid=db-connections] .value').textContent()),
    ).toBeGreaterThan(0)
    expect(await page.locator('[data-testid=db-size] .value').textContent()).toMatch(/\d/)
    expect(await page.locator('[data-testid=disk] .value').textContent()).toMatch(/\d/)
    const backup = page.locator('[data-testid=last-backup]')
    expect(await backup.textContent()).toContain('3 д')
    expect(await backup.locator('.value.stale').count()).toBe(1)
  })

  it('audit log in Russian: action, object opening its card, fields, values; picker; XLSX export', async () => {
    // an edit the log keeps: responsible person, department, a sum
    const before = (await stack.api('GET', '/api/equipment/12', adminToken)).body
    const r = await stack.api('PATCH', '/api/equipment/12', adminToken, {
      version: before.version,
      responsible_person: 'Орлова О. О.',
      department: 'lbr',
      cost_rate: 5200.5,
    })
    expect(r.status).toBe(200)
    await go(page, '/audit', 'audit-screen')
    await page.locator('select[name=action]').selectOption({ label: 'Изменение оборудования' })
    await page.locator('form.toolbar button[type=submit]').click()
    const row = page.locator('[data-testid=audit-table] tbody tr').first()
    await expect.poll(() => row.textContent()).toContain('Изменение оборудования')
    const text = (await row.textContent()) ?? ''
    expect(text).toContain('Ответственное лицо:')
    expect(text).toContain('Орлова О. О.')
    expect(text).toMatch(/Подразделение:\s*ГТЛ →\s*ЛБР/)
    expect(text).toMatch(/5\s200,50 ₽/)
    for (const code of ['equipment_update', 'responsible_person', 'gtl', 'lbr', '5200.5'])
      expect(text).not.toContain(code)
    // the picker filters: only that action's rows
    const updates = (await stack.api('GET', '/api/audit?action=equipment_update', adminToken)).body
      .total
    const rows = page.locator('[data-testid=audit-table] tbody tr')
    await expect.poll(() => rows.count()).toBe(updates)
    // the whole log (users, settings with the mail server, mail actions, logins): no codes
    await page.locator('select[name=action]').selectOption('')
    await page.locator('form.toolbar button[type=submit]').click()
    await expect.poll(() => rows.count()).toBeGreaterThan(updates)
    expect(await page.locator('[data-testid=audit-table]').textContent()).not.toMatch(
      /\b[a-z]+_[a-z_]+\b|\b(host|port|security|true|false)\b/,
    )
    await page.locator('select[name=action]').selectOption({ label: 'Изменение оборудования' })
    await page.locator('form.toolbar button[type=submit]').click()
    await expect.poll(() => rows.count()).toBe(updates)
    // the filtered log to Excel
    const download = page.waitForEvent('download')
    await page.click('[data-testid=audit-export]')
    const file = await download
    expect(file.suggestedFilename()).toMatch(/\.xlsx$/)
    // the object opens the instrument's card
    const object = row.locator('[data-testid=audit-object]')
    expect(await object.textContent()).toMatch(/зав\. № ЗН-000012/)
    await object.click()
    await page.waitForSelector('[data-testid=equipment-form]')
    expect(page.url()).toContain('#/equipment/12')
  })
})
