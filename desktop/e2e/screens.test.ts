// Browser tests of the other screens: archive, users, audit, settings, backups,
// monitor, pinned documents, contracts, notifications — each screen's main path as the admin,
// and the laborant's limits (admin screens absent, their routes refused). Screenshots to docs.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { seedEquipment } from './seed.ts'
import { browser, login, SCREENSHOTS, startStack, USER_PASSWORD, type Stack } from './stack.ts'

let stack: Stack
let adminToken: string
let admin: Awaited<ReturnType<typeof browser>>
let page: Page

const PDF = '%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'

beforeAll(async () => {
  stack = await startStack()
  await seedEquipment(stack.sql, 200)
  await stack.makeUser({
    username: 'lab.gtl',
    role: 'laborant',
    department: 'gtl',
    full_name: 'Петрова Анна',
  })
  adminToken = await stack.token('admin')
  admin = await browser()
  page = admin.page
  await page.goto(stack.url)
  await page.waitForSelector('[data-testid=login]')
  await login(page, 'admin')
  await page.waitForSelector('[data-testid=grid] revo-grid')
})
afterAll(async () => {
  await admin?.close()
  await stack?.stop()
})

async function go(path: string, testid: string) {
  await page.goto(`${stack.url}/#${path}`)
  await page.waitForSelector(`[data-testid=${testid}]`)
}
const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) })
/** answers the in-app confirmation with its «yes» button */
const confirmYes = () =>
  page.locator('[data-testid=confirm-dialog] [data-testid=confirm-yes]').click()

describe('admin screens', () => {
  it('shows the attention banner after sign-in and the notifications on demand', async () => {
    await go('/', 'grid')
    await expect
      .poll(() => page.locator('[data-testid=attention-banner]').textContent())
      .toContain('Требуют внимания')
    await page.click('[data-testid=bell]')
    const panel = page.locator('[data-testid=notifications]')
    await expect.poll(() => panel.locator('.notification').count()).toBeGreaterThan(0)
    await shot('notifications')
    await page.click('[data-testid=bell]')
  })

  it('archives from the card; the archive lists, edits the reason, shows the record, restores and purges', async () => {
    await go('/equipment/5', 'equipment-form')
    await page.click('[data-testid=archive]')
    // the reason: «Другое…» with a text of one's own
    const dialog = page.locator('[data-testid=archive-dialog]')
    await dialog.locator('label', { hasText: 'Другое…' }).click()
    await dialog.locator('textarea[name=other]').fill('Извещение о непригодности № 12')
    await shot('archive-reason')
    await dialog.locator('[data-testid=archive-confirm]').click()
    await expect
      .poll(async () => (await stack.api('GET', '/api/archive/5', adminToken)).status)
      .toBe(200)
    await go('/equipment/6', 'equipment-form')
    await page.click('[data-testid=archive]')
    await page.locator('[data-testid=archive-dialog] [data-testid=archive-confirm]').click()
    await expect
      .poll(async () => (await stack.api('GET', '/api/archive/6', adminToken)).status)
      .toBe(200)

    await go('/archive', 'archive-screen')
    const rows = page.locator('[data-testid=archive-table] tbody tr[data-id]')
    await expect.poll(() => rows.count()).toBe(2)
    const reason = page.locator('tr[data-id="5"] input[aria-label="Причина списания"]')
    expect(await reason.inputValue()).toBe('Извещение о непригодности № 12')
    await reason.fill('Поломка при транспортировке')
    await reason.press('Enter')
    await expect
      .poll(async () => (await stack.api('GET', '/api/archive/5', adminToken)).body.archive_reason)
      .toBe('Поломка при транспортировке')
    await shot('archive')

    await page.locator('tr[data-id="5"] button', { hasText: 'Открыть' }).click()
    await page.waitForSelector('[data-testid=archive-record]')
    await shot('archive-record')
    await page
      .locator('[data-testid=archive-record] header button', { hasText: 'Восстановить' })
      .click()
    await confirmYes()
    await expect
      .poll(async () => (await stack.api('GET', '/api/equipment/5', adminToken)).status)
      .toBe(200)

    await page.locator('tr[data-id="6"] [data-action=purge]').click()
    await expect
      .poll(() => page.locator('[data-testid=confirm-dialog]').textContent())
      .toContain('Отменить это действие нельзя')
    await confirmYes()
    await expect
      .poll(async () => (await stack.api('GET', '/api/archive/6', adminToken)).status)
      .toBe(404)
    expect((await stack.api('GET', '/api/equipment/6', adminToken)).status).toBe(404)
    await expect.poll(() => rows.count()).toBe(0)
  })

  it('manages users: create, role, lock shown and unlocked, password reset', async () => {
    await go('/users', 'users-screen')
    await page.click('[data-testid=new-user]')
    const form = page.locator('[data-testid=user-form]')
    await form.locator('input[name=username]').fill('ivanova')
    await form.locator('input[name=full_name]').fill('Иванова Мария')
    await form.locator('select[name=department]').selectOption('lbr')
    await form.locator('input[name=password]').fill(USER_PASSWORD)
    await form.locator('button[type=submit]').click()
    const row = page.locator('tr[data-username=ivanova]')
    await row.waitFor()
    // five wrong passwords lock the account
    for (let i = 0; i < 5; i++)
      await fetch(`${stack.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'ivanova', password: 'wrong-password' }),
      })
    await page.reload()
    await row.locator('[data-action=unlock]').waitFor()
    // the departments arrive after the table: the shot shows them
    await expect
      .poll(() => row.locator('select[aria-label=Подразделение] option:checked').textContent())
      .toBe('ЛБР')
    await shot('users')
    await row.locator('[data-action=unlock]').click()
    await expect.poll(() => row.locator('[data-action=unlock]').count()).toBe(0)
    await expect
      .poll(() =>
        stack.token('ivanova').then(
          () => true,
          () => false,
        ),
      )
      .toBe(true)
    await row.locator('select[aria-label="Роль"]').selectOption('admin')
    await expect
      .poll(
        async () =>
          (await stack.api('GET', '/api/users', adminToken)).body.items.find(
            (u: any) => u.username === 'ivanova',
          ).role,
      )
      .toBe('admin')
    // «Сбросить пароль»: the new password typed twice in the in-app dialog
    await row.locator('button', { hasText: 'Сбросить пароль' }).click()
    const reset = page.locator('[data-testid=new-password-dialog]')
    await reset.locator('input[name=password]').fill('Новый-пароль-12')
    await reset.locator('input[name=repeat]').fill('Новый-пароль-12')
    await reset.locator('[data-testid=new-password-save]').click()
    await expect
      .poll(() =>
        stack.token('ivanova', 'Новый-пароль-12').then(
          () => true,
          () => false,
        ),
      )
      .toBe(true)
  })

  it('shows the audit log with old → new values, filtered by object', async () => {
    await go('/audit', 'audit-screen')
    await page.locator('select[name=entity]').selectOption('equipment')
    await page.locator('form.toolbar button[type=submit]').click()
    await expect
      .poll(() => page.locator('[data-testid=audit-table] tbody tr').first().textContent())
      .toMatch(/оборудовани|архив/i)
    expect(await page.locator('[data-testid=audit-table] .change').count()).toBeGreaterThan(0)
    await shot('audit')
  })

  it('changes settings of every kind (number, flag, list, organisation details, SMTP)', async () => {
    await go('/settings', 'settings-screen')
    await page.locator('input[name=expiring_days]').fill('30')
    await page.locator('input[name=notify_enabled]').check()
    await page.locator('input[name=notify_offsets]').fill('30, 7, 0')
    await page.locator('input[name="organization.inn"]').fill('7707083893')
    await page.locator('input[name="smtp.host"]').fill('mail.branch.local')
    await page.click('[data-testid=save-settings]')
    await expect
      .poll(
        async () => (await stack.api('GET', '/api/settings', adminToken)).body.values.expiring_days,
      )
      .toBe(30)
    const values = (await stack.api('GET', '/api/settings', adminToken)).body.values
    expect(values.notify_enabled).toBe(true)
    expect(values.notify_offsets).toEqual([30, 7, 0])
    expect(values.organization.inn).toBe('7707083893')
    expect(values.smtp.host).toBe('mail.branch.local')
    await page.evaluate(() => document.querySelector('.screen')?.scrollTo(0, 0))
    await shot('settings')
  })

  it('a stale save (another admin saved first) says who; settings keep the typed values, users reload', async () => {
    await stack.makeUser({ username: 'chief', role: 'admin', full_name: 'Сидорова Е. В.' })
    const chief = await stack.token('chief')
    const settingsNow = async () => (await stack.api('GET', '/api/settings', adminToken)).body

    await go('/settings', 'settings-screen')
    await page.locator('input[name=expiring_days]').fill('45')
    const other = await stack.api('PUT', '/api/settings', chief, {
      lockout_minutes: 25,
      version: (await settingsNow()).version,
    })
    expect(other.status).toBe(200)
    await page.click('[data-testid=save-settings]')
    const notice = page.locator('[data-testid=settings-screen] [data-testid=stale-notice]')
    await notice.waitFor()
    expect(await notice.textContent()).toContain('изменил(а) Сидорова Е. В.')
    expect(await page.locator('input[name=expiring_days]').inputValue()).toBe('45')
    expect(await page.locator('input[name=lockout_minutes]').inputValue()).toBe('25')
    expect((await settingsNow()).values.expiring_days).toBe(30)
    await page.click('[data-testid=save-settings]')
    await expect.poll(async () => (await settingsNow()).values.expiring_days).toBe(45)
    expect((await settingsNow()).values.lockout_minutes).toBe(25)
    await notice.waitFor({ state: 'detached' })

    await go('/users', 'users-screen')
    const row = page.locator('[data-testid=users-table] tr[data-username="lab.gtl"]')
    await row.waitFor()
    const users = (await stack.api('GET', '/api/users', adminToken)).body.items
    const lab = users.find((u: any) => u.username === 'lab.gtl')
    const renamed = await stack.api('PATCH', `/api/users/${lab.id}`, chief, {
      full_name: 'Петрова Анна Сергеевна',
      version: lab.version,
    })
    expect(renamed.status).toBe(200)
    await row.locator('select[aria-label="Подразделение"]').selectOption('ltr')
    const stale = page.locator('[data-testid=users-screen] [data-testid=stale-notice]')
    await stale.waitFor()
    expect(await stale.textContent()).toContain(
      'Пользователя lab.gtl уже изменил(а) Сидорова Е. В.',
    )
    await expect
      .poll(() => row.locator('input[name=full_name]').inputValue())
      .toBe('Петрова Анна Сергеевна')
    const after = (await stack.api('GET', '/api/users', adminToken)).body.items
    expect(after.find((u: any) => u.username === 'lab.gtl').department).toBe('gtl')
  })

  it('makes a backup now and lists it', async () => {
    await go('/backup', 'backup-screen')
    await page.click('[data-testid=backup-now]')
    await expect
      .poll(() => page.locator('[data-testid=backup-table] tbody tr').first().textContent(), {
        timeout: 60_000,
      })
      .toMatch(/Готово|Ошибка/)
    const history = (await stack.api('GET', '/api/backup', adminToken)).body.items
    expect(history).toHaveLength(1)
    await shot('backup')
  })

  it('shows the system monitor', async () => {
    await go('/monitor', 'monitor-screen')
    await expect.poll(() => page.locator('.card').first().textContent()).toContain('Работает')
    await expect
      .poll(() => page.locator('[data-testid=log-lines] tbody tr:not(.empty)').count())
      .toBeGreaterThan(0)
    await shot('monitor')
  })

  it('uploads, lists and deletes pinned documents', async () => {
    await go('/pinned', 'pinned-screen')
    await page.setInputFiles('[data-testid=pinned-upload]', {
      name: 'График поверки 2027.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from(PDF),
    })
    const row = page.locator('[data-testid=pinned-table] tbody tr', {
      hasText: 'График поверки 2027.pdf',
    })
    await row.waitFor()
    // a second one, then deleted (the confirmation is accepted)
    await page.setInputFiles('[data-testid=pinned-upload]', {
      name: 'Черновик приказа.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from(PDF),
    })
    const draft = page.locator('[data-testid=pinned-table] tbody tr', {
      hasText: 'Черновик приказа.pdf',
    })
    await draft.waitFor()
    await draft.locator('[data-action=delete]').click()
    await confirmYes()
    await expect.poll(() => draft.count()).toBe(0)
    const left = (await stack.api('GET', '/api/pinned', adminToken)).body.items
    expect(left.map((d: any) => d.original_name)).toEqual(['График поверки 2027.pdf'])
    await shot('pinned')
  })

  it('keeps the contracts notebook with the balance in red when overspent', async () => {
    await go('/contracts', 'contracts-screen')
    await page.locator('input[name=executor_name]').fill('ФБУ «Тюменский ЦСМ»')
    await page.locator('input[name=contract_number]').fill('45-ТЦСМ/2026')
    await page.click('[data-testid=add-contract]')
    const row = page.locator('[data-testid=contracts-table] tbody tr[data-id]')
    await row.waitFor()
    await row.locator('input[name=contract_amount]').fill('100000')
    await row.locator('input[name=contract_amount]').press('Tab')
    await expect
      .poll(() => row.locator('[data-testid=balance]').textContent())
      .toMatch(/^100\s000,00$/)
    await row.locator('input[name=spent_amount]').fill('120 000,50')
    await row.locator('input[name=spent_amount]').press('Tab')
    await expect
      .poll(() => row.locator('[data-testid=balance]').textContent())
      .toMatch(/^-20\s000,50$/)
    expect(await row.locator('[data-testid=balance]').getAttribute('class')).toContain('negative')
    await shot('contracts')
  })
})

describe('register tools', () => {
  it('records a new verification cycle; the old one goes to the history', async () => {
    await go('/equipment/20', 'equipment-form')
    const before = (await stack.api('GET', '/api/equipment/20', adminToken)).body
    await page.click('[data-testid=new-verification]')
    const dialog = page.locator('[data-testid=verification-dialog]')
    await dialog.locator('input[name=verification_date]').fill('2026-11-20')
    await dialog.locator('input[name=certificate_number]').fill('С-ГЭ/20-11-2026/1234')
    await page.click('[data-testid=save-verification]')
    await expect
      .poll(
        async () =>
          (await stack.api('GET', '/api/equipment/20', adminToken)).body.verification_date,
      )
      .toBe('2026-11-20')
    await expect.poll(() => page.locator('[data-testid=history] tbody tr').count()).toBe(1)
    const cells = await page.locator('[data-testid=history] tbody tr td').allTextContents()
    const d = before.verification_date as string
    expect(cells[0]).toBe(`${d.slice(8, 10)}.${d.slice(5, 7)}.${d.slice(0, 4)}`)
    await shot('equipment-history')
  })

  it('exports the current view to Excel and imports it back (check, then load)', async () => {
    await go('/', 'grid')
    await page.click('[data-testid=quick-tags] .tag.status_storage')
    const storage = (
      await stack.api('GET', '/api/equipment?limit=1&status=status_storage', adminToken)
    ).body.total
    await expect
      .poll(() => page.locator('[data-testid=found]').textContent())
      .toMatch(new RegExp(`^Найдено: ${storage} из`))
    await page.click('[data-testid=excel-menu]')
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('.menu button', { hasText: 'Экспорт' }).click(),
    ])
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/)
    const path = join(stack.dataDir, 'export.xlsx')
    await download.saveAs(path)
    await page.click('[data-testid=excel-menu]')
    await page.setInputFiles('[data-testid=import-file]', path)
    const report = page.locator('[data-testid=import-report]')
    await expect
      .poll(() => report.locator('.alert').textContent())
      .toContain(`без изменений ${storage}`)
    await shot('import-check')
    await page.click('[data-testid=import-load]')
    await expect.poll(() => report.count()).toBe(0)
    await page.click('[data-testid=quick-tags] .tag.status_storage')
  })

  it('import dialog: an ID the register lacks is created only after the admin ticks the box; the headers listed', async () => {
    const ExcelJS = (await import('exceljs')).default
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet('Оборудование')
    // Deltica 1.x export's headers and codes
    ws.addRow([
      'ID',
      'Наименование',
      'Модель/Тип',
      'Тип оборудования',
      'Заводской номер',
      'Инвентарный номер',
      'Тип верификации',
      'Межповерочный интервал',
      'Дата верификации',
      'Состояние',
      'Подразделение',
      'Статья бюджета',
    ])
    ws.addRow([
      777001,
      'Весы из Deltica 1.x',
      'ВЛ-1',
      'SI',
      'З-777',
      'И-777',
      'verification',
      12,
      '01.03.2025',
      'state_work',
      'gtl',
      '1.2.3',
    ])
    const path = join(stack.dataDir, 'deltica1.xlsx')
    await wb.xlsx.writeFile(path)
    await go('/', 'grid')
    await page.click('[data-testid=excel-menu]')
    await page.setInputFiles('[data-testid=import-file]', path)
    const report = page.locator('[data-testid=import-report]')
    await expect.poll(() => report.locator('.alert').textContent()).toContain('ничего не изменено')
    expect(await report.locator('tbody').textContent()).toContain(
      'Оборудование с ID 777001 не найдено',
    )
    expect(await report.locator('[data-testid=import-load]').count()).toBe(0)
    await report.locator('[data-testid=import-headers] summary').click()
    expect(await report.locator('[data-testid=import-headers]').textContent()).toContain(
      'Межповерочный интервал, мес.',
    )
    expect(await report.locator('[data-testid=import-aliases]').textContent()).toContain(
      'Модель/Тип · Заводской номер · Инвентарный номер',
    )
    await report.locator('[data-testid=import-create-with-id]').check()
    await expect
      .poll(() => report.locator('.alert').textContent())
      .toContain('Проверка пройдена. Будет добавлено 1')
    expect((await stack.api('GET', '/api/equipment/777001', adminToken)).status).toBe(404)
    await page.click('[data-testid=import-load]')
    await expect.poll(() => report.count()).toBe(0)
    const made = await stack.api('GET', '/api/equipment/777001', adminToken)
    expect(made.status).toBe(200)
    expect(made.body.equipment_name).toBe('Весы из Deltica 1.x')
  })

  it('documents menu: reasons when nothing is selected; labels for the selection download', async () => {
    await go('/', 'grid')
    await page.click('[data-testid=documents-menu]')
    const item = (label: string) =>
      page.locator('.menu button[role=menuitem]', { hasText: label }).first()
    expect(await item('Этикетки').isDisabled()).toBe(true)
    expect(await item('Этикетки').textContent()).toContain('Отметьте записи в таблице')
    expect(await item('Акт ввода в эксплуатацию').isDisabled()).toBe(false)
    await page.click('[data-testid=documents-menu]')
    const check = (row: number) =>
      page.locator(`revogr-data[col-type=colPinStart] .rgCell[data-rgrow="${row}"] .row-check`)
    await check(2).check()
    await check(3).check()
    await page.click('[data-testid=documents-menu]')
    await page.locator('.menu-head input[value=pdf]').check()
    await shot('documents-menu')
    const [download] = await Promise.all([page.waitForEvent('download'), item('Этикетки').click()])
    expect(download.suggestedFilename()).toBe('Этикетки_2_шт.pdf')
    const path = join(stack.dataDir, 'labels.pdf')
    await download.saveAs(path)
    const { readFileSync } = await import('node:fs')
    expect(readFileSync(path).subarray(0, 5).toString()).toBe('%PDF-')
    await page.click('[data-testid=clear-selection]')
  })

  it('archives the selected rows', async () => {
    await go('/', 'grid')
    // rendered rows are recycled, so the DOM order is not the row order: pick by row number
    const check = (row: number) =>
      page.locator(`revogr-data[col-type=colPinStart] .rgCell[data-rgrow="${row}"] .row-check`)
    await check(0).waitFor()
    const ids = await page.evaluate(async () => {
      const src = await (document.querySelector('revo-grid') as any).getSource()
      return [src[0].id, src[1].id]
    })
    await check(0).check()
    await check(1).check()
    await page.click('[data-testid=archive-selected]')
    await page.locator('[data-testid=archive-dialog] [data-testid=archive-confirm]').click()
    for (const id of ids)
      await expect
        .poll(async () => (await stack.api('GET', `/api/archive/${id}`, adminToken)).status)
        .toBe(200)
  })
})

describe('statistics and analytics', () => {
  it('analytics: cards, calendar (a cell opens the filtered grid), costs, budget, overdue', async () => {
    await go('/analytics', 'analytics-screen')
    const cell = page.locator('[data-testid=calendar] .cell-link').first()
    await cell.waitFor()
    await shot('analytics')
    const [department, month] = (await cell.getAttribute('data-cell'))!.split('-')
    const count = Number(await cell.textContent())
    await cell.click()
    await page.waitForSelector('[data-testid=grid] revo-grid')
    const year = new Date().getFullYear()
    const plan = `${year}-${month.padStart(2, '0')}-01`
    const api = await stack.api(
      'GET',
      `/api/equipment?limit=1&department=${department}&plan_from=${plan}&plan_to=${plan}`,
      adminToken,
    )
    expect(api.body.total).toBe(count)
    await expect
      .poll(() => page.locator('[data-testid=found]').textContent())
      .toMatch(new RegExp(`^Найдено: ${count} из`))
    await page.locator('.tags button.link', { hasText: 'Сбросить всё' }).click()
  })
})

describe('laborant limits', () => {
  it('sees the department statistics; a block opens the filtered grid', async () => {
    const b = await browser()
    try {
      const p = b.page
      await p.goto(stack.url)
      await p.waitForSelector('[data-testid=login]')
      await login(p, 'lab.gtl')
      await p.waitForSelector('[data-testid=grid] revo-grid')
      await p.goto(`${stack.url}/#/stats`)
      await p.waitForSelector('[data-testid=fit-card]')
      await expect.poll(() => p.locator('[data-testid=verified]').textContent()).toMatch(/^\d+$/)
      await p.screenshot({ path: join(SCREENSHOTS, 'stats-laborant.png') })
      await p.click('[data-testid=fit-card]')
      await p.waitForSelector('[data-testid=grid] revo-grid')
      const token = await stack.token('lab.gtl')
      const fit = (
        await stack.api('GET', '/api/equipment?limit=1&status=status_fit&department=gtl', token)
      ).body.total
      await expect
        .poll(() => p.locator('[data-testid=found]').textContent())
        .toMatch(new RegExp(`^Найдено: ${fit} из`))

      // «Проверено за период» opens the instruments verified within the statistics' range
      const range = (await stack.api('GET', '/api/stats/department', token)).body
      const verified = (
        await stack.api(
          'GET',
          `/api/equipment?limit=1&department=gtl&verified_from=${range.from}&verified_to=${range.to}`,
          token,
        )
      ).body.total
      await p.goto(`${stack.url}/#/stats`)
      await p.click('[data-testid=verified-card]')
      await p.waitForSelector('[data-testid=grid] revo-grid')
      await expect
        .poll(() => p.locator('[data-testid=found]').textContent())
        .toMatch(new RegExp(`^Найдено: ${verified} из`))
    } finally {
      await b.close()
    }
  })

  it('has no admin screens, their routes are refused, the archive is read-only', async () => {
    const b = await browser()
    try {
      const p = b.page
      await p.goto(stack.url)
      await p.waitForSelector('[data-testid=login]')
      await login(p, 'lab.gtl')
      await p.waitForSelector('[data-testid=grid] revo-grid')
      expect(await p.locator('[data-testid=admin-menu]').count()).toBe(0)
      await p.click('[data-testid=documents-menu]')
      const bid = p.locator('.menu button[role=menuitem]', { hasText: 'Заявка на поверку' })
      expect(await bid.isDisabled()).toBe(true)
      expect(await bid.textContent()).toContain('Доступно администратору')
      await p.click('[data-testid=documents-menu]')
      for (const path of [
        '/users',
        '/audit',
        '/settings',
        '/backup',
        '/monitor',
        '/contracts',
        '/analytics',
      ]) {
        await p.goto(`${stack.url}/#${path}`)
        await p.waitForSelector('[data-testid=not-found]')
      }
      const token = await stack.token('lab.gtl')
      for (const path of [
        '/api/users',
        '/api/audit',
        '/api/backup',
        '/api/contracts',
        '/api/health/system',
      ])
        expect((await stack.api('GET', path, token)).status).toBe(403)
      // the «Списано» metric opens the department's archive
      await p.goto(`${stack.url}/#/`)
      await p.waitForSelector('[data-testid=grid] revo-grid')
      const archived = (await stack.api('GET', '/api/stats/summary', token)).body.archived
      await expect
        .poll(() => p.locator('[data-metric=archived] .metric-value').textContent())
        .toBe(String(archived))
      await p.click('[data-metric=archived]')
      await p.waitForSelector('[data-testid=archive-screen]')
      expect(
        await p
          .locator(
            '[data-action=restore], [data-action=purge], input[aria-label="Причина списания"]',
          )
          .count(),
      ).toBe(0)
      await p.goto(`${stack.url}/#/pinned`)
      await p.waitForSelector('[data-testid=pinned-screen]')
      await expect
        .poll(() =>
          p
            .locator('[data-testid=pinned-table] tbody tr', { hasText: 'График поверки 2027.pdf' })
            .count(),
        )
        .toBe(1)
      expect(await p.locator('[data-testid=pinned-upload], [data-action=delete]').count()).toBe(0)
      await p.screenshot({ path: join(SCREENSHOTS, 'pinned-laborant.png') })
    } finally {
      await b.close()
    }
  })
})
