// Browser tests of the metrologist's working day, part 2: the current certificate in the card and
// as grid columns, entry guards, server warnings in the form, the label's QR payload in search,
// Russian input whatever the browser's locale, the banner, column widths and order kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { seedEquipment } from './seed.ts'
import { join } from 'node:path'
import { browser, login, SCREENSHOTS, startStack, type Stack } from './stack.ts'

let stack: Stack
let adminToken: string

beforeAll(async () => {
  stack = await startStack()
  await seedEquipment(stack.sql, 60)
  await stack.makeUser({ username: 'lab.gtl', role: 'laborant', department: 'gtl' })
  adminToken = await stack.token('admin')
})
afterAll(() => stack?.stop())

const isoDaysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10)

function instrument(overrides: Record<string, unknown> = {}) {
  return {
    equipment_name: 'Манометр образцовый',
    equipment_model: 'МО-11202',
    equipment_type: 'SI',
    factory_number: `F-${Math.random().toString(36).slice(2, 8)}`,
    inventory_number: `I-${Math.random().toString(36).slice(2, 8)}`,
    verification_type: 'verification',
    verification_interval: 12,
    verification_date: isoDaysAgo(300),
    verification_state: 'state_work',
    department: 'gtl',
    budget_item: '11.03.02.01',
    verifier_org: 'ТЦСМ',
    ...overrides,
  }
}

async function create(overrides: Record<string, unknown> = {}) {
  const r = await stack.api('POST', '/api/equipment', adminToken, instrument(overrides))
  expect(r.status, JSON.stringify(r.body)).toBe(201)
  return r.body as Record<string, any>
}

async function openAs(username: string, opts: Parameters<typeof browser>[0] = {}) {
  const b = await browser(opts)
  await b.page.goto(stack.url)
  await b.page.waitForSelector('[data-testid=login]')
  await login(b.page, username)
  await b.page.waitForSelector('[data-testid=grid] revo-grid')
  await expect.poll(() => b.page.locator('[data-testid=found]').textContent()).toMatch(/[1-9]/)
  return b
}

const headers = (page: Page) =>
  page.evaluate(async () => {
    const cols = await (document.querySelector('revo-grid') as any).getColumns()
    return cols.map((c: any) => c.name as string).filter(Boolean)
  })

describe('the current cycle', () => {
  it('shows result, certificate, verifier and cost in the card; optional grid columns; no cost for a laborant', async () => {
    const r = await create()
    const cycle = await stack.api('POST', `/api/equipment/${r.id}/verifications`, adminToken, {
      verification_date: isoDaysAgo(1),
      verification_result: 'fit',
      certificate_number: 'С-99999/26',
      verifier_org: 'ВНИИМ',
      verification_cost: 5200.5,
      version: r.version,
    })
    expect(cycle.status).toBe(201)
    const b = await openAs('admin')
    const { page } = b
    try {
      await page.goto(`${stack.url}/#/equipment/${r.id}`)
      const current = page.locator('[data-testid=current-cycle]')
      await current.waitFor()
      expect(await current.locator('[data-cell=result]').textContent()).toBe('Годен')
      expect(await current.locator('[data-cell=certificate]').textContent()).toBe('С-99999/26')
      expect(await current.locator('[data-cell=verifier]').textContent()).toBe('ВНИИМ')
      expect(await current.locator('[data-cell=cost]').textContent()).toMatch(/^5\s200,50$/)
      await page.screenshot({ path: join(SCREENSHOTS, 'equipment-card-current.png') })
      await page.keyboard.press('Escape')
      await page.click('[data-testid=columns-button]')
      for (const c of ['verification_result', 'certificate_number', 'verification_cost'])
        await page.check(`[data-testid=column-chooser] input[data-column=${c}]`)
      await page.locator('[data-testid=column-chooser] footer button.primary').click()
      await expect
        .poll(() => headers(page))
        .toEqual(expect.arrayContaining(['Результат', '№ свидетельства', 'Стоимость верификации']))
    } finally {
      await b.close()
    }
    const l = await openAs('lab.gtl')
    try {
      await l.page.goto(`${stack.url}/#/equipment/${r.id}`)
      const current = l.page.locator('[data-testid=current-cycle]')
      await current.waitFor()
      expect(await current.locator('[data-cell=certificate]').textContent()).toBe('С-99999/26')
      expect(await current.locator('[data-cell=cost]').count()).toBe(0)
      await l.page.keyboard.press('Escape')
      await l.page.click('[data-testid=columns-button]')
      expect(
        await l.page
          .locator('[data-testid=column-chooser] input[data-column=verification_cost]')
          .count(),
      ).toBe(0)
      expect(
        await l.page
          .locator('[data-testid=column-chooser] input[data-column=certificate_number]')
          .count(),
      ).toBe(1)
    } finally {
      await l.close()
    }
  })
})

describe('entry guards in the card', () => {
  it('the new-instrument form preselects no department; a future date is refused at its field; the admin undoes the last cycle', async () => {
    const r = await create()
    await stack.api('POST', `/api/equipment/${r.id}/verifications`, adminToken, {
      verification_date: isoDaysAgo(2),
      certificate_number: 'С-1/26',
      version: r.version,
    })
    const b = await openAs('admin')
    const { page } = b
    try {
      await page.click('[data-testid=add-equipment]')
      const form = page.locator('[data-testid=equipment-form]')
      await form.waitFor()
      expect(await form.locator('select[name=department]').inputValue()).toBe('')
      await page.keyboard.press('Escape')
      await form.waitFor({ state: 'detached' })

      await page.goto(`${stack.url}/#/equipment/${r.id}`)
      await form.waitFor()
      // «Новая поверка» five months ahead: refused at the date field, nothing recorded
      await form.locator('[data-testid=new-verification]').click()
      const dialog = page.locator('[data-testid=verification-dialog]')
      await dialog.waitFor()
      const ahead = new Date(Date.now() + 150 * 86_400_000).toLocaleDateString('ru-RU')
      await dialog.locator('input[name=verification_date]').fill(ahead)
      await page.click('[data-testid=save-verification]')
      await expect
        .poll(() =>
          dialog
            .locator('label.field', { has: page.locator('input[name=verification_date]') })
            .locator('.error-text')
            .textContent(),
        )
        .toMatch(/ещё не наступила/)
      expect(
        (await stack.api('GET', `/api/equipment/${r.id}`, adminToken)).body.history,
      ).toHaveLength(1)
      await dialog.locator('button', { hasText: 'Отмена' }).click()
      await dialog.waitFor({ state: 'detached' })
      await form.locator('[data-testid=undo-verification]').click()
      await page.locator('[data-testid=confirm-dialog] [data-testid=confirm-yes]').click()
      await expect
        .poll(async () => (await stack.api('GET', `/api/equipment/${r.id}`, adminToken)).body)
        .toMatchObject({ verification_date: r.verification_date, history: [] })
      await expect
        .poll(() =>
          form.locator('[data-testid=current-cycle] [data-cell=certificate]').textContent(),
        )
        .toBe('—')
      expect(await form.locator('[data-testid=undo-verification]').count()).toBe(0)
    } finally {
      await b.close()
    }
  })
})

describe('server warnings in the form', () => {
  it('a duplicate inventory number is saved and shown in yellow at its field', async () => {
    await create({ inventory_number: 'ИН-ДУБЛЬ-1' })
    const b = await openAs('admin')
    const { page } = b
    try {
      await page.click('[data-testid=add-equipment]')
      const form = page.locator('[data-testid=equipment-form]')
      await form.waitFor()
      await form.locator('input[name=equipment_name]').fill('Термометр')
      await form.locator('input[name=equipment_model]').fill('ТЛ-4')
      await form.locator('input[name=factory_number]').fill('Ф-1')
      await form.locator('input[name=inventory_number]').fill('ИН-ДУБЛЬ-1')
      await form.locator('[name=verification_date]').fill('10.03.2026')
      await form.locator('select[name=department]').selectOption('gtl')
      await page.click('[data-testid=save]')
      await page.waitForURL(/#\/equipment\/\d+$/)
      const box = form.locator('[data-testid=warnings]')
      await box.waitFor()
      expect(await box.textContent()).toMatch(/Инвентарный номер «ИН-ДУБЛЬ-1» уже есть/)
      expect(
        await form
          .locator('[data-warning=inventory_number]')
          .evaluate((el) => getComputedStyle(el).color),
      ).toBe('rgb(173, 104, 0)')
      expect(await box.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
        'rgb(255, 251, 230)',
      )
    } finally {
      await b.close()
    }
  })
})

describe('Russian input in an en-US browser', () => {
  it('a decimal comma, dates as дд.мм.гггг with a calendar, money in edit mode ru-RU', async () => {
    const r = await create({ cost_rate: 13022.48, coefficient: 1, quantity: 1 })
    const b = await openAs('admin', { locale: 'en-US' })
    const { page } = b
    try {
      expect(await page.evaluate(() => navigator.language)).toBe('en-US')
      await page.goto(`${stack.url}/#/equipment/${r.id}`)
      const form = page.locator('[data-testid=equipment-form]')
      await form.waitFor()
      await form.locator('[data-testid=edit]').click()
      // money in edit mode: «13 022,48»
      expect(await form.locator('input[name=cost_rate]').inputValue()).toMatch(/^13\s022,48$/)
      // the date field shows дд.мм.гггг, not the browser's mm/dd/yyyy
      const date = form.locator('input[name=verification_date]')
      expect(await date.getAttribute('type')).toBe('text')
      const [y, m, d] = r.verification_date.split('-')
      expect(await date.inputValue()).toBe(`${d}.${m}.${y}`)
      await form.locator('input[name=coefficient]').fill('1,2')
      await date.fill('05.02.2026')
      // the calendar picks the payment date
      const payment = form.locator('label.field', { has: page.locator('input[name=payment_date]') })
      await payment.locator('[data-testid=calendar-button]').click()
      const calendar = payment.locator('[data-testid=calendar]')
      await calendar.waitFor()
      await calendar.locator('button[aria-label="Предыдущий месяц"]').click()
      const month = await calendar.locator('[data-testid=calendar-month]').textContent()
      expect(month).toMatch(/^[А-Я][а-я]+ \d{4}$/)
      const day = (await calendar.locator('button[data-date]').nth(14).getAttribute('data-date'))!
      await calendar.locator(`button[data-date="${day}"]`).click()
      await expect.poll(() => calendar.count()).toBe(0)
      const [py, pm, pd] = day.split('-')
      expect(await form.locator('input[name=payment_date]').inputValue()).toBe(`${pd}.${pm}.${py}`)
      await page.click('[data-testid=save]')
      await expect
        .poll(async () => (await stack.api('GET', `/api/equipment/${r.id}`, adminToken)).body)
        .toMatchObject({
          coefficient: 1.2,
          total_cost: 15626.98,
          verification_date: '2026-02-05',
          payment_date: day,
        })
      // a date that is no date is said at its field, nothing sent
      await form.locator('[data-testid=edit]').click()
      await date.fill('31.02.2026')
      await form.locator('input[name=responsible_person]').click()
      const field = form.locator('label.field', {
        has: page.locator('input[name=verification_date]'),
      })
      await expect.poll(() => field.locator('.error-text').textContent()).toBe('Такой даты нет')
    } finally {
      await b.close()
    }
  })
})

describe('month fields in an en-US browser', () => {
  it("the plan month is the app's own field: «Март 2026», typed мм.гггг, a month picker; the filter too", async () => {
    const r = await create({ verification_plan: '2026-03-01' })
    const b = await openAs('admin', { locale: 'en-US' })
    const { page } = b
    try {
      await page.goto(`${stack.url}/#/equipment/${r.id}`)
      const form = page.locator('[data-testid=equipment-form]')
      await form.waitFor()
      await form.locator('[data-testid=edit]').click()
      const plan = form.locator('input[name=verification_plan]')
      expect(await plan.getAttribute('type')).toBe('text')
      expect(await plan.inputValue()).toBe('Март 2026')
      // typed мм.гггг, shown as the month's name on leaving the field
      await plan.fill('04.2026')
      await form.locator('input[name=responsible_person]').click()
      expect(await plan.inputValue()).toBe('Апрель 2026')
      // the picker: next year, March
      const field = form.locator('label.field', {
        has: page.locator('input[name=verification_plan]'),
      })
      await field.locator('[data-testid=month-button]').click()
      const picker = field.locator('[data-testid=month-picker]')
      await picker.waitFor()
      expect(await picker.locator('[data-testid=month-picker-year]').textContent()).toBe('2026')
      await picker.locator('button[aria-label="Следующий год"]').click()
      await picker.locator('button[data-month="2027-03-01"]').click()
      await expect.poll(() => picker.count()).toBe(0)
      expect(await plan.inputValue()).toBe('Март 2027')
      await page.click('[data-testid=save]')
      await expect
        .poll(async () => (await stack.api('GET', `/api/equipment/${r.id}`, adminToken)).body)
        .toMatchObject({ verification_plan: '2027-03-01' })
      // a text that is no month is said at its field, nothing sent
      await form.locator('[data-testid=edit]').click()
      await plan.fill('13.2026')
      await form.locator('input[name=responsible_person]').click()
      await expect
        .poll(() => field.locator('.error-text').textContent())
        .toBe('Месяц в формате «Октябрь 2026» или мм.гггг')
      await page.keyboard.press('Escape')
      await page.goto(`${stack.url}/#/`)
      await page.waitForSelector('[data-testid=grid] revo-grid')
      // the filter's plan months
      await page.click('[data-testid=filters-button]')
      const drawer = page.locator('[data-testid=filters-drawer]')
      await drawer.waitFor()
      const from = drawer.locator('input[name=plan_from]')
      expect(await from.getAttribute('type')).toBe('text')
      await from.fill('03.2027')
      await drawer.locator('input[name=plan_to]').fill('март 2027')
      await drawer.locator('[data-testid=apply-filters]').click()
      const api = await stack.api(
        'GET',
        '/api/equipment?limit=1&plan_from=2027-03-01&plan_to=2027-03-01',
        adminToken,
      )
      expect(api.body.total).toBeGreaterThan(0)
      await expect
        .poll(() => page.locator('[data-testid=found]').textContent())
        .toMatch(new RegExp(`^Найдено: ${api.body.total} из`))
    } finally {
      await b.close()
    }
  })
})

describe('whole numbers in an en-US browser', () => {
  it("settings, backup and analytics use the app's own number field, not the browser's locale control", async () => {
    const b = await openAs('admin', { locale: 'en-US' })
    const { page } = b
    try {
      for (const [route, testid, name] of [
        ['/settings', 'settings-screen', 'expiring_days'],
        ['/backup', 'backup-screen', 'backup_hour'],
        ['/analytics', 'analytics-screen', 'year'],
      ]) {
        await page.goto(`${stack.url}/#${route}`)
        await page.locator(`[data-testid=${testid}] input[name=${name}]`).waitFor()
        expect(
          await page.locator(`[data-testid=${testid}] input[type=number]`).count(),
          route,
        ).toBe(0)
        expect(await page.locator(`[data-testid=${testid}] input[type=month]`).count(), route).toBe(
          0,
        )
      }
      await page.goto(`${stack.url}/#/settings`)
      const days = page.locator('input[name=expiring_days]')
      await days.waitFor()
      await days.fill('сорок')
      expect(await days.getAttribute('data-problem')).toBe('Введите целое число')
      expect(await days.getAttribute('aria-invalid')).toBe('true')
      await days.fill('45')
      expect(await days.getAttribute('data-problem')).toBe(null)
      await page.click('[data-testid=save-settings]')
      await expect
        .poll(
          async () =>
            (await stack.api('GET', '/api/settings', adminToken)).body.values.expiring_days,
        )
        .toBe(45)
    } finally {
      await b.close()
    }
  })
})

describe("the label's QR payload in search", () => {
  it('DLT:<id> + Enter (a scanner) opens the card; a bare number still searches', async () => {
    const r = await create({ equipment_name: 'Гигрометр психрометрический' })
    const b = await openAs('admin')
    const { page } = b
    try {
      const search = page.locator('[data-testid=search]')
      await search.click()
      await page.keyboard.type(`DLT:${r.id}`)
      await page.keyboard.press('Enter')
      await page.waitForURL(new RegExp(`#/equipment/${r.id}$`))
      const form = page.locator('[data-testid=equipment-form]')
      await expect
        .poll(() => form.locator('output[name=equipment_name]').textContent())
        .toBe('Гигрометр психрометрический')
      await page.keyboard.press('Escape')
      await form.waitFor({ state: 'detached' })
      expect(await search.inputValue()).toBe('')
      // a bare number is a search as before: no card opens
      await search.fill(String(r.id))
      await page.keyboard.press('Enter')
      await expect
        .poll(() => page.locator('[data-testid=found]').textContent())
        .toMatch(/^Найдено: \d+ из/)
      await page.waitForTimeout(300)
      expect(page.url()).not.toMatch(/#\/equipment\//)
    } finally {
      await b.close()
    }
  })
})

describe('finishing touches', () => {
  it('the banner formats its counts; Enter on the row number opens the card, a double click edits', async () => {
    const b = await openAs('admin')
    const { page } = b
    try {
      const summary = (await stack.api('GET', '/api/stats/summary', adminToken)).body
      const n = (k: string) => (summary.by_status[k] ?? 0).toLocaleString('ru-RU')
      await expect
        .poll(async () =>
          (await page.locator('[data-testid=attention-banner] span').first().textContent())!
            .replace(/\s+/g, ' ')
            .trim(),
        )
        .toBe(
          `Требуют внимания: просрочено — ${n('status_expired')} шт., срок истекает в ближайшие дни — ${n('status_expiring')} шт.`.replace(
            /\s+/g,
            ' ',
          ),
        )
      // Enter on the row number: the card
      const firstNumber = page.locator('revogr-data .rgCell.number-cell').first()
      await firstNumber.click()
      // the grid takes the focus after the click (a busy machine: later): its own focus on the
      // cell, and the page's keyboard focus inside it — Enter goes to where the page's focus is
      await expect
        .poll(() =>
          page.evaluate(async () => {
            const prop = (await (document.querySelector('revo-grid') as any).getFocused())?.column
              ?.prop
            const inGrid = !!document.activeElement?.closest('[data-testid=grid]')
            return `${prop} ${inGrid}`
          }),
        )
        .toBe('__n true')
      await page.keyboard.press('Enter')
      await page.waitForURL(/#\/equipment\/\d+$/)
      await page.locator('[data-testid=equipment-form] output[name=equipment_name]').waitFor()
      await page.keyboard.press('Escape')
      await page.locator('[data-testid=equipment-form]').waitFor({ state: 'detached' })
      // «›» at the start of the row: the card of that row
      const second = page.locator('revogr-data .rgCell button.row-open').nth(1)
      const label = (await second.getAttribute('aria-label'))!
      const id = /(\d+)$/.exec(label)![1]
      expect(label).toBe(`Открыть запись ${id}`)
      await second.click()
      await page.waitForURL(new RegExp(`#/equipment/${id}$`))
      await page.locator('[data-testid=equipment-form] output[name=equipment_name]').waitFor()
      await page.keyboard.press('Escape')
      await page.locator('[data-testid=equipment-form]').waitFor({ state: 'detached' })
      // a double click on a cell edits it in place; no card opens
      const MAIN = 'revogr-data[type=rgRow]:not([col-type=rowHeaders]):not([col-type=colPinStart])'
      await page.locator(`${MAIN} .rgCell`).first().dblclick()
      await page
        .locator('revo-grid revogr-edit input, revo-grid revogr-edit textarea')
        .first()
        .waitFor()
      expect(page.url()).not.toMatch(/#\/equipment\//)
      await page.keyboard.press('Escape')
    } finally {
      await b.close()
    }
  })

  it('a long file name in the card is not cut at 1280×720 and has a tooltip', async () => {
    const r = await create()
    const name = 'Свидетельство о поверке № С-99999-26.pdf'
    const form = new FormData()
    form.set('category', 'verification_docs')
    form.set('file', new Blob(['%PDF-1.4\n%%EOF\n'], { type: 'application/pdf' }), name)
    const up = await fetch(`${stack.url}/api/upload/equipment/${r.id}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}` },
      body: form,
    })
    expect(up.status).toBe(201)
    const b = await openAs('admin')
    const { page } = b
    try {
      await page.setViewportSize({ width: 1280, height: 720 })
      await page.goto(`${stack.url}/#/equipment/${r.id}`)
      const file = page.locator('.dropzone[data-category=verification_docs] .file-name').first()
      await file.waitFor()
      expect(await file.getAttribute('title')).toBe(name)
      expect(await file.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true)
    } finally {
      await b.close()
    }
  })
})

describe('column widths and order', () => {
  it('a widened column keeps its width after a sort and a reload; «Сбросить» returns the defaults', async () => {
    const b = await openAs('admin')
    const { page } = b
    const sizeOf = (prop: string) =>
      page.evaluate(async (prop) => {
        const cols = await (document.querySelector('revo-grid') as any).getColumns()
        return cols.find((c: any) => c.prop === prop)?.size as number
      }, prop)
    const props = () =>
      page.evaluate(async () => {
        const cols = await (document.querySelector('revo-grid') as any).getColumns()
        return cols.filter((c: any) => !c.pin).map((c: any) => c.prop as string)
      })
    try {
      const before = await sizeOf('equipment_model')
      // drag the right edge of «Модель / тип» 80 px wider
      const header = page
        .locator('revogr-header .rgHeaderCell[data-rgcol]', { hasText: 'Модель / тип' })
        .first()
      const box = (await header.boundingBox())!
      await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2)
      await page.mouse.down()
      await page.mouse.move(box.x + box.width + 40, box.y + box.height / 2, { steps: 5 })
      await page.mouse.move(box.x + box.width + 78, box.y + box.height / 2, { steps: 5 })
      await page.mouse.up()
      await expect.poll(() => sizeOf('equipment_model')).toBeGreaterThan(before + 50)
      const widened = await sizeOf('equipment_model')
      // a sort keeps it
      await page.locator('revogr-header .rgHeaderCell', { hasText: 'Наименование' }).first().click()
      await page
        .locator('revogr-header .rgHeaderCell', { hasText: 'Наименование' })
        .first()
        .locator('.head-sort')
        .waitFor()
      expect(await sizeOf('equipment_model')).toBe(widened)
      // drag «Инвентарный №» before «Наименование»
      const order0 = await props()
      const from = (await page
        .locator('revogr-header .rgHeaderCell', { hasText: 'Инвентарный №' })
        .first()
        .boundingBox())!
      const to = (await page
        .locator('revogr-header .rgHeaderCell', { hasText: 'Наименование' })
        .first()
        .boundingBox())!
      await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2)
      await page.mouse.down()
      await page.mouse.move(from.x + from.width / 2 - 30, from.y + from.height / 2, { steps: 5 })
      await page.mouse.move(to.x + 10, to.y + to.height / 2, { steps: 15 })
      await page.mouse.up()
      await expect.poll(props).not.toEqual(order0)
      const moved = await props()
      expect(moved.indexOf('inventory_number')).toBeLessThan(moved.indexOf('equipment_name'))
      // a reload keeps widths and order
      await page.reload()
      await page.waitForSelector('[data-testid=grid] revo-grid')
      await expect.poll(() => sizeOf('equipment_model')).toBe(widened)
      expect(await props()).toEqual(moved)
      // «Сбросить» in the column chooser
      await page.click('[data-testid=columns-button]')
      await page.click('[data-testid=columns-reset]')
      await page.locator('[data-testid=column-chooser] footer button.primary').click()
      await expect.poll(() => sizeOf('equipment_model')).toBe(before)
      expect((await props()).indexOf('inventory_number')).toBeGreaterThan(
        (await props()).indexOf('equipment_name'),
      )
    } finally {
      await b.close()
    }
  })
})

const headersText = (page: Page) =>
  page.evaluate(async () => {
    const cols = await (document.querySelector('revo-grid') as any).getColumns()
    return cols.map((c: any) => c.name as string).join('|')
  })

describe('grid legibility at 1280×720', () => {
  it('the due date is on screen, ~18 rows show, headers whole (wrapped, full text on hover), sort arrow beside the title, computed columns marked by an icon', async () => {
    const b = await openAs('admin')
    const { page } = b
    try {
      await page.setViewportSize({ width: 1280, height: 720 })
      await page.click('[data-testid=columns-button]')
      await page.click('[data-testid=columns-reset]')
      await page.locator('[data-testid=column-chooser] footer button.primary').click()
      await page.waitForTimeout(300)
      await page.mouse.move(640, 700)
      await page.screenshot({ path: join(SCREENSHOTS, 'register-1280x720.png') })
      const grid = (await page.locator('[data-testid=grid]').boundingBox())!
      const due = page.locator('revogr-header .rgHeaderCell', { hasText: 'Действует до' }).first()
      const dueBox = (await due.boundingBox())!
      expect(dueBox.x + dueBox.width).toBeLessThanOrEqual(grid.x + grid.width)
      // rows wholly in view
      const rows = await page.evaluate((bottom) => {
        const seen = new Set<string>()
        for (const c of document.querySelectorAll<HTMLElement>(
          'revogr-data[type=rgRow] .rgCell.number-cell',
        )) {
          const r = c.getBoundingClientRect()
          if (r.bottom <= bottom && r.height > 0) seen.add(c.dataset.rgrow!)
        }
        return seen.size
      }, grid.y + grid.height)
      expect(rows).toBeGreaterThanOrEqual(17)
      // every header shows its whole title (two lines at most) and has it on hover
      const cut = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('revogr-header .head')]
          .filter((h) => {
            const label = h.querySelector<HTMLElement>('.head-label')!
            const text = label.textContent!.replace(/\u00ad/g, '')
            return (
              label.scrollHeight > label.clientHeight + 1 ||
              label.scrollWidth > label.clientWidth + 1 ||
              !h.title.startsWith(text)
            )
          })
          .map((h) => {
            const l = h.querySelector<HTMLElement>('.head-label')!
            return `${h.textContent} ${l.scrollWidth}/${l.clientWidth} ${l.scrollHeight}/${l.clientHeight}`
          }),
      )
      expect(cut).toEqual([])
      // the due date is computed: an icon in its header, the cells in the text colour
      expect(await due.locator('.head-computed').count()).toBe(1)
      expect(await due.locator('.head').getAttribute('title')).toBe(
        'Действует до — вычисляется автоматически',
      )
      const colours = await page.evaluate(async () => {
        const grid = document.querySelector('revo-grid') as any
        const cols = (await grid.getColumns()).filter((c: any) => !c.pin)
        const i = cols.findIndex((c: any) => c.prop === 'verification_due')
        const j = cols.findIndex((c: any) => c.prop === 'factory_number')
        const cell = (k: number) =>
          [
            ...document.querySelectorAll<HTMLElement>(
              `revogr-data[type=rgRow]:not([col-type=colPinStart]) .rgCell[data-rgcol="${k}"]`,
            ),
          ].find(
            (c) => !c.classList.contains('due-expired') && !c.classList.contains('due-expiring'),
          )!
        return [getComputedStyle(cell(i)).color, getComputedStyle(cell(j)).color]
      })
      expect(colours[0]).toBe(colours[1])
      // sorted: the arrow sits beside the whole title
      await page
        .locator('revogr-header .rgHeaderCell', { hasText: 'Дата последней верификации' })
        .first()
        .click()
      const sorted = page
        .locator('revogr-header .rgHeaderCell', { hasText: 'Дата последней верификации' })
        .first()
      await sorted.locator('.head-sort').waitFor()
      const label = sorted.locator('.head-label')
      expect((await label.textContent())!.replace(/\u00ad/g, '')).toBe('Дата последней верификации')
      expect(
        await label.evaluate(
          (el) => el.scrollHeight <= el.clientHeight + 1 && el.scrollWidth <= el.clientWidth + 1,
        ),
      ).toBe(true)
      const arrow = (await sorted.locator('.head-sort').boundingBox())!
      const cell = (await sorted.boundingBox())!
      expect(arrow.x + arrow.width).toBeLessThanOrEqual(cell.x + cell.width)
      await page.setViewportSize({ width: 1600, height: 900 })
      await page.waitForTimeout(300)
      await page.mouse.move(800, 880)
      await page.screenshot({ path: join(SCREENSHOTS, 'register-1600x900.png') })
    } finally {
      await b.close()
    }
  })
})
