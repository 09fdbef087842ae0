import { describe, expect, it } from 'vitest'
import {
  FIELD_BY_KEY,
  fieldsFor,
  formatValue,
  parseDate,
  parseMonth,
  parseValue,
} from './fields.ts'

const field = (k: string) => FIELD_BY_KEY.get(k)!
const departments = { gtl: 'ГТЛ', lbr: 'ЛБР' }

describe('fields', () => {
  it('hides finance from laborants', () => {
    expect(fieldsFor('laborant').some((x) => x.section === 'finance')).toBe(false)
    // the writable fields, the computed total and the total brought from Deltica 1.x
    expect(fieldsFor('admin').filter((x) => x.section === 'finance')).toHaveLength(10)
  })

  it('formats dates, plan month, money and labels the Russian way', () => {
    expect(formatValue(field('verification_date'), '2025-10-08')).toBe('08.10.2025')
    expect(formatValue(field('verification_plan'), '2026-10-01')).toBe('Октябрь 2026')
    expect(formatValue(field('total_cost'), 1234.5)).toMatch(/^1\s234,50$/)
    expect(formatValue(field('status'), 'status_expired')).toBe('Просрочен')
    expect(formatValue(field('department'), 'gtl', departments)).toBe('ГТЛ')
    expect(formatValue(field('coefficient'), 1.25)).toBe('1,25')
    expect(formatValue(field('registry_number'), null)).toBe('')
  })

  it('parses what people type and paste from Excel', () => {
    expect(parseValue(field('verification_date'), '08.10.2025')).toBe('2025-10-08')
    expect(parseValue(field('verification_date'), '2025-10-08')).toBe('2025-10-08')
    expect(parseValue(field('verification_plan'), 'Октябрь 2026')).toBe('2026-10-01')
    expect(parseValue(field('verification_plan'), '10.2026')).toBe('2026-10-01')
    expect(parseValue(field('cost_rate'), '1 234,50')).toBe(1234.5)
    expect(parseValue(field('quantity'), '3')).toBe(3)
    expect(parseValue(field('verification_state'), 'на консервации')).toBe('state_storage')
    expect(parseValue(field('equipment_type'), 'СИ')).toBe('SI')
    expect(parseValue(field('department'), 'ЛБР', departments)).toBe('lbr')
    expect(parseValue(field('registry_number'), '  ')).toBe(null)
  })

  it('refuses bad input with a Russian message', () => {
    expect(() => parseDate('31.02.2025')).toThrow('Такой даты нет')
    expect(() => parseDate('2025-13-01')).toThrow('Такой даты нет')
    expect(() => parseDate('31/02')).toThrow('Дата в формате дд.мм.гггг')
    expect(() => parseMonth('Мартобрь 2026')).toThrow('Месяц в формате')
    expect(() => parseValue(field('quantity'), '1,5')).toThrow('Введите целое число')
    expect(() => parseValue(field('cost_rate'), 'дорого')).toThrow('Введите число')
    expect(() => parseValue(field('equipment_name'), '')).toThrow('Обязательное поле')
    expect(() => parseValue(field('verification_state'), 'сломан')).toThrow('Допустимо: В работе')
    expect(() => parseValue(field('status'), 'Годен')).toThrow('вычисляется автоматически')
    expect(() => parseValue(field('department'), 'XYZ', departments)).toThrow('Допустимо: ГТЛ, ЛБР')
  })
})
