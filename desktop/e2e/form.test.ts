// Browser test of the equipment card: create → edit → upload by dragging files onto the drop
// zones → pin → reorder by drag and drop → reload shows the order → delete; server field errors;
// the laborant's read-only card.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { browser, login, SCREENSHOTS, startStack, type Stack } from './stack.ts'

let stack: Stack
let adminToken: string

beforeAll(async () => {
  stack = await startStack()
  await stack.makeUser({ username: 'lab.lbr', role: 'laborant', department: 'lbr' })
  adminToken = await stack.token('admin')
})
afterAll(() => stack?.stop())

const PDF = '%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'

/** drop files from "the desktop" onto an element, as Explorer would */
async function dropFiles(
  page: Page,
  selector: string,
  files: { name: string; text: string; type: string }[],
) {
  const data = await page.evaluateHandle((files) => {
    const dt = new DataTransfer()
    for (const f of files) dt.items.add(new File([f.text], f.name, { type: f.type }))
    return dt
  }, files)
  await page.dispatchEvent(selector, 'dragover', { dataTransfer: data })
  await page.dispatchEvent(selector, 'drop', { dataTransfer: data })
}

const fileNames = (page: Page, category: string) =>
  page.$$eval(`.dropzone[data-category=${category}] .file:not(.uploading) .file-name`, (els) =>
    els.map((e) => e.textContent?.trim()),
  )

describe('equipment card', () => {
  it('create → edit → upload (drag) → pin → reorder → reload keeps the order → delete', async () => {
    const b = await browser()
    const { page } = b
    try {
      await page.goto(stack.url)
      await page.waitForSelector('[data-testid=login]')
      await login(page, 'admin')
      await page.waitForSelector('[data-testid=grid] revo-grid')

      await page.click('[data-testid=add-equipment]')
      const form = page.locator('[data-testid=equipment-form]')
      await form.waitFor()
      // the server's field messages: nothing filled in
      await page.click('[data-testid=save]')
      await expect.poll(() => form.locator('.error-text').count()).toBeGreaterThan(0)
      await page.screenshot({ path: join(SCREENSHOTS, 'form-errors.png') })

      await form.locator('input[name=equipment_name]').fill('Манометр образцовый')
      await form.locator('input[name=equipment_model]').fill('МО-11202')
      await form.locator('input[name=factory_number]').fill('№ 7781')
      await form.locator('input[name=inventory_number]').fill('ИН-555')
      await form.locator('input[name=verification_date]').fill('2026-03-10')
      await form.locator('select[name=department]').selectOption('lbr')
      await form.locator('input[name=budget_item]').fill('11.03.02.01')
      await page.click('[data-testid=save]')
      await page.waitForURL(/#\/equipment\/\d+$/)
      const id = Number(page.url().split('/').pop())
      const created = (await stack.api('GET', `/api/equipment/${id}`, adminToken)).body
      expect(created).toMatchObject({
        equipment_name: 'Манометр образцовый',
        factory_number: '№ 7781',
        verification_due: '2027-03-09',
        department: 'lbr',
        version: 1,
      })

      // edit
      await page.click('[data-testid=edit]')
      await form.locator('input[name=responsible_person]').fill('Ларина О. Н.')
      await page.click('[data-testid=save]')
      await expect
        .poll(
          async () =>
            (await stack.api('GET', `/api/equipment/${id}`, adminToken)).body.responsible_person,
        )
        .toBe('Ларина О. Н.')
      await expect
        .poll(() => form.locator('output[name=responsible_person]').textContent())
        .toBe('Ларина О. Н.')

      // upload three files by dropping them on the two zones
      await dropFiles(page, '.dropzone[data-category=verification_docs]', [
        { name: 'Свидетельство о поверке №1.pdf', text: PDF, type: 'application/pdf' },
        { name: 'Протокол 2026.pdf', text: PDF, type: 'application/pdf' },
      ])
      await dropFiles(page, '.dropzone[data-category=general_docs]', [
        { name: 'Паспорт прибора.pdf', text: PDF, type: 'application/pdf' },
      ])
      await expect
        .poll(() => fileNames(page, 'verification_docs'))
        .toEqual(['Свидетельство о поверке №1.pdf', 'Протокол 2026.pdf'])
      await expect.poll(() => fileNames(page, 'general_docs')).toEqual(['Паспорт прибора.pdf'])

      // show the certificate on the card
      const certificate = form.locator('.file', { hasText: 'Свидетельство о поверке №1.pdf' })
      await certificate.locator('[data-action=on-card]').click()
      await expect
        .poll(() => certificate.locator('.on-card-badge').textContent())
        .toBe('На карточке')

      // reorder: drag the protocol above the certificate
      await form
        .locator('.file', { hasText: 'Протокол 2026.pdf' })
        .dragTo(form.locator('.file', { hasText: 'Свидетельство о поверке №1.pdf' }))
      await expect
        .poll(() => fileNames(page, 'verification_docs'))
        .toEqual(['Протокол 2026.pdf', 'Свидетельство о поверке №1.pdf'])
      await page.screenshot({ path: join(SCREENSHOTS, 'equipment-card.png'), fullPage: true })

      await page.reload()
      await form.waitFor()
      await expect
        .poll(() => fileNames(page, 'verification_docs'))
        .toEqual(['Протокол 2026.pdf', 'Свидетельство о поверке №1.pdf'])
      const files = (await stack.api('GET', `/api/upload/equipment/${id}`, adminToken)).body.items
      expect(
        files.find((f: any) => f.original_name === 'Свидетельство о поверке №1.pdf').pinned,
      ).toBe(true)

      // delete one file
      await form
        .locator('.file', { hasText: 'Паспорт прибора.pdf' })
        .locator('[data-action=delete]')
        .click()
      await page.locator('[data-testid=confirm-dialog] [data-testid=confirm-yes]').click()
      await expect.poll(() => fileNames(page, 'general_docs')).toEqual([])
      expect(
        (await stack.api('GET', `/api/upload/equipment/${id}`, adminToken)).body.items,
      ).toHaveLength(2)
    } finally {
      await b.close()
    }
  })

  it('is read-only for a laborant, who may still open files', async () => {
    const created = await stack.api('POST', '/api/equipment', adminToken, {
      equipment_name: 'Весы лабораторные',
      equipment_model: 'ВЛ-224',
      equipment_type: 'SI',
      factory_number: '123',
      inventory_number: '456',
      verification_type: 'verification',
      verification_interval: 12,
      verification_date: '2026-02-01',
      verification_state: 'state_work',
      department: 'lbr',
      budget_item: '11.03.02.01',
      cost_rate: 1500,
    })
    expect(created.status).toBe(201)
    const b = await browser()
    const { page } = b
    try {
      await page.goto(stack.url)
      await page.waitForSelector('[data-testid=login]')
      await login(page, 'lab.lbr')
      await page.waitForSelector('[data-testid=grid] revo-grid')
      await page.goto(`${stack.url}/#/equipment/${created.body.id}`)
      const form = page.locator('[data-testid=equipment-form]')
      await form.waitFor()
      await expect
        .poll(() => form.locator('output[name=equipment_name]').textContent())
        .toBe('Весы лабораторные')
      expect(await form.locator('input, select').count()).toBe(0)
      expect(await form.locator('[data-testid=edit]').count()).toBe(0)
      expect(await form.locator('output[name=cost_rate]').count()).toBe(0)
      expect(await form.locator('legend', { hasText: 'Финансы' }).count()).toBe(0)
      await page.screenshot({ path: join(SCREENSHOTS, 'equipment-card-laborant.png') })
    } finally {
      await b.close()
    }
  })

  it('shows the total brought from Deltica 1.x only when an instrument has one', async () => {
    const make = async (name: string) =>
      (
        await stack.api('POST', '/api/equipment', adminToken, {
          equipment_name: name,
          equipment_model: 'М-1',
          equipment_type: 'SI',
          factory_number: name,
          inventory_number: name,
          verification_type: 'verification',
          verification_interval: 12,
          verification_date: '2026-02-01',
          verification_state: 'state_work',
          department: 'lbr',
          budget_item: '11.03.02.01',
          cost_rate: 1000,
        })
      ).body.id as number
    const migrated = await make('Перенесённый из 1.x')
    const plain = await make('Обычный')
    await stack.sql`update finance set legacy_total_cost = 1200 where equipment_id = ${migrated}`
    const b = await browser()
    const { page } = b
    try {
      await page.goto(stack.url)
      await page.waitForSelector('[data-testid=login]')
      await login(page, 'admin')
      await page.waitForSelector('[data-testid=grid] revo-grid')
      const form = page.locator('[data-testid=equipment-form]')
      await page.goto(`${stack.url}/#/equipment/${migrated}`)
      await expect
        .poll(() => form.locator('output[name=legacy_total_cost]').textContent())
        .toMatch(/^1\s200,00$/)
      expect(await form.locator('output[name=total_cost]').textContent()).toMatch(/^1\s000,00$/)
      await page.goto(`${stack.url}/#/equipment/${plain}`)
      await expect
        .poll(() => form.locator('output[name=equipment_name]').textContent())
        .toBe('Обычный')
      expect(await form.locator('output[name=legacy_total_cost]').count()).toBe(0)
    } finally {
      await b.close()
    }
  })
})
