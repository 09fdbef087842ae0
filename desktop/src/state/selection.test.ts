import { describe, expect, it } from 'vitest'
import { MAX_DOCUMENT_ITEMS } from '@shared/document-limits.ts'
import { fakeApi } from './fake-api.ts'
import { Register } from './register.svelte.ts'
import { compactQuery, Selection } from './selection.svelte.ts'

const query = { q: 'манометр', status: ['status_expired'], department: [], due_from: '' }

describe('Selection', () => {
  it('by ids: ticked rows in the order ticked; unticking removes them', () => {
    const s = new Selection()
    s.set(5, true)
    s.setMany([2, 9], true)
    s.set(5, false)
    expect(s.count).toBe(2)
    expect(s.has(2) && s.has(9) && !s.has(5)).toBe(true)
    expect(s.body()).toEqual({ equipment_ids: [2, 9] })
    expect(s.byQuery).toBe(false)
  })

  it('by query: every row found is selected without knowing it; unticked rows are the exceptions', () => {
    const s = new Selection()
    s.set(1, true)
    s.selectAllFound(query, 100_000)
    expect(s.count).toBe(100_000)
    expect(s.allFound).toBe(true)
    // a row never loaded is selected too
    expect(s.has(99_999)).toBe(true)
    s.setMany([7, 8, 9], false)
    s.set(8, true)
    expect(s.count).toBe(99_998)
    expect(s.has(7) || s.has(9)).toBe(false)
    expect(s.allFound).toBe(false)
    expect(s.body()).toEqual({
      filter: { q: 'манометр', status: ['status_expired'] },
      except_ids: [7, 9],
    })
    expect(s.tooManyForDocuments).toBe(true)
  })

  it('follows the query: a new sort keeps it (and orders documents), a new filter drops it', () => {
    const s = new Selection()
    s.selectAllFound(query, 40)
    s.set(3, false)
    s.follow({ ...query, sort: 'factory_number', order: 'desc' }, 41)
    expect(s.count).toBe(40)
    expect(s.body()).toMatchObject({ filter: { sort: 'factory_number', order: 'desc' } })
    s.follow({ ...query, q: 'термометр' }, 12)
    expect(s.count).toBe(0)
    expect(s.byQuery).toBe(false)
    // ticked ids stay whatever the query (a search, tick, another search, tick)
    s.set(4, true)
    s.follow({ q: 'другое' }, 3)
    expect(s.body()).toEqual({ equipment_ids: [4] })
  })

  it('clear() empties either kind', () => {
    const s = new Selection()
    s.selectAllFound(query, 10)
    const before = s.revision
    s.clear()
    expect([s.count, s.byQuery, s.revision > before]).toEqual([0, false, true])
  })

  it('reads the ids of a selection by query a page at a time, without the exceptions', async () => {
    const all = Array.from({ length: 1500 }, (_, i) => ({ id: i + 1 }))
    const { api, calls } = fakeApi((method, url) => {
      if (url.pathname !== '/api/equipment') return undefined
      const limit = Number(url.searchParams.get('limit'))
      const offset = Number(url.searchParams.get('offset'))
      return { body: { items: all.slice(offset, offset + limit), total: all.length } }
    })
    const s = new Selection()
    s.selectAllFound({ q: 'x' }, 1500)
    s.setMany([1, 1500], false)
    const ids = await s.ids(api)
    expect(ids).toHaveLength(1498)
    expect(ids[0]).toBe(2)
    expect(calls.map((c) => c.url.searchParams.get('offset'))).toEqual(['0', '1000'])
    expect(calls[0].url.searchParams.get('q')).toBe('x')
    s.selectAllFound({}, MAX_DOCUMENT_ITEMS + 1)
    await expect(s.ids(api)).rejects.toThrow('за один раз не больше 2')
  })

  it('compactQuery drops what the query string would not carry', () => {
    expect(compactQuery(query)).toEqual({ q: 'манометр', status: ['status_expired'] })
  })
})

describe('Register and its selection', () => {
  it('a reload under another query drops a selection by query; shift ranges load their pages', async () => {
    const all = Array.from({ length: 450 }, (_, i) => ({ id: 1000 + i, version: 1 }))
    const { api } = fakeApi((method, url) => {
      const limit = Number(url.searchParams.get('limit'))
      const offset = Number(url.searchParams.get('offset'))
      const rows = url.searchParams.get('q') ? all.slice(0, 10) : all
      return { body: { items: rows.slice(offset, offset + limit), total: rows.length } }
    })
    const reg = new Register(api)
    await reg.reload()
    expect(await reg.idsBetween(250, 248)).toEqual([1248, 1249, 1250])
    reg.selection.selectAllFound(reg.params(), reg.total)
    reg.q = 'поиск'
    await reg.reload()
    expect(reg.selection.count).toBe(0)
  })

  it('keeps the rows shown when the server cannot be reached', async () => {
    let down = false
    const { api } = fakeApi((method, url) => {
      if (down) throw new TypeError('Failed to fetch')
      const limit = Number(url.searchParams.get('limit'))
      return { body: { items: [{ id: 1 }, { id: 2 }].slice(0, limit), total: 2 } }
    })
    const reg = new Register(api)
    expect(reg.loaded).toBe(false)
    await reg.reload()
    down = true
    await reg.reload()
    expect([reg.loaded, reg.total, reg.rows.length, reg.error]).toEqual([true, 2, 2, null])
  })
})
