import { describe, expect, it } from 'vitest'
import { Dialogs } from './dialogs.svelte.ts'

describe('Dialogs', () => {
  it('a question waits for its answer; the answer closes its dialog', async () => {
    const d = new Dialogs()
    const answer = d.ask({ title: 'Удалить файл', text: 'Удалить?', confirm: 'Удалить' })
    expect(d.open).toHaveLength(1)
    expect(d.open[0]).toMatchObject({ kind: 'confirm', confirm: 'Удалить', danger: false })
    d.answer(d.open[0], true)
    expect(await answer).toBe(true)
    expect(d.open).toHaveLength(0)
  })

  it('closing without an answer gives each kind its own «cancel»', async () => {
    const d = new Dialogs()
    const all = [
      d.ask({ title: 't', text: 'x' }),
      d.unsaved(),
      d.archiveReason({ title: 'Списание', text: 'x' }),
      d.newPassword('ivanova'),
      d.choose({ title: 'Реквизиты', text: 'x', options: [{ value: 'skip', label: 'Без них' }] }),
    ]
    expect(d.open.map((r) => r.kind)).toEqual([
      'confirm',
      'unsaved',
      'archive',
      'password',
      'choice',
    ])
    // the top one first, as Esc would
    for (const r of [...d.open].reverse()) d.dismiss(r)
    expect(await Promise.all(all)).toEqual([false, 'cancel', null, null, null])
  })

  it('a choice answers with the chosen option', async () => {
    const d = new Dialogs()
    const options = [
      { value: 'skip', label: 'Сформировать без них' },
      { value: 'fill', label: 'Заполнить', primary: true },
    ]
    const p = d.choose({ title: 'Реквизиты не заполнены', text: 'Заполнить?', options })
    expect(d.open[0]).toMatchObject({ kind: 'choice', options })
    d.answer(d.open[0], 'fill')
    expect(await p).toBe('fill')
  })

  it('an answered request is not answered twice', async () => {
    const d = new Dialogs()
    const p = d.unsaved()
    const r = d.open[0]
    d.answer(r, 'discard')
    d.answer(r, 'save')
    d.dismiss(r)
    expect(await p).toBe('discard')
  })
})
