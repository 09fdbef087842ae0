import { describe, expect, it } from 'vitest'
import { menuTemplate } from './menu.ts'

const labels = (devTools: boolean) => {
  const template = menuTemplate({
    version: '1.4.2',
    devTools,
    onAbout: () => {},
    onServerSettings: () => {},
    onUndo: () => {},
  })
  return template.map((m) => ({
    label: m.label,
    items: (m.submenu as { label?: string; role?: string }[]).map((i) => i.label ?? i.role ?? '—'),
  }))
}

describe('the Russian menu', () => {
  it('has Файл, Правка with Отменить, Вид with zoom and full screen, Справка with the version', () => {
    const menu = labels(false)
    expect(menu.map((m) => m.label)).toEqual(['Файл', 'Правка', 'Вид', 'Справка'])
    expect(menu[1].items).toContain('Отменить')
    expect(menu[2].items).toEqual(expect.arrayContaining(['Крупнее', 'Мельче', 'Во весь экран']))
    expect(menu[3].items).toEqual(['О программе (версия 1.4.2)'])
  })
  it('offers DevTools only when the policy allows them', () => {
    expect(labels(false)[2].items).not.toContain('Инструменты разработчика')
    expect(labels(true)[2].items).toContain('Инструменты разработчика')
  })
})
