import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigStore, restoreBounds } from './config-store.ts'

const dirs: string[] = []
const store = () => {
  const dir = mkdtempSync(join(tmpdir(), 'deltica-cfg-'))
  dirs.push(dir)
  return new ConfigStore(join(dir, 'sub', 'deltica.json'))
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

describe('ConfigStore', () => {
  it('reads defaults when nothing is saved, then keeps what was saved', () => {
    const s = store()
    expect(s.read()).toEqual({ serverUrl: null, window: null })
    s.update({ serverUrl: 'http://10.1.1.1:8000' })
    s.update({ window: { x: 10, y: 20, width: 1200, height: 800, maximized: true } })
    const again = new ConfigStore(s.file)
    expect(again.read()).toEqual({
      serverUrl: 'http://10.1.1.1:8000',
      window: { x: 10, y: 20, width: 1200, height: 800, maximized: true },
    })
    expect(JSON.parse(readFileSync(s.file, 'utf8')).serverUrl).toBe('http://10.1.1.1:8000')
    expect(readdirSync(join(s.file, '..'))).toEqual(['deltica.json']) // no temp file left
  })

  it('treats a damaged or tampered file as defaults', () => {
    const s = store()
    s.update({ serverUrl: 'http://a:8000' })
    writeFileSync(s.file, '{not json')
    expect(s.read()).toEqual({ serverUrl: null, window: null })
    writeFileSync(
      s.file,
      JSON.stringify({ serverUrl: 'javascript:alert(1)', window: { width: 5, height: 5 } }),
    )
    expect(s.read()).toEqual({ serverUrl: null, window: null })
  })
})

describe('restoreBounds', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1040 }]
  it('reopens where the window was', () => {
    expect(
      restoreBounds({ x: 100, y: 50, width: 1300, height: 800, maximized: false }, screen),
    ).toEqual({ x: 100, y: 50, width: 1300, height: 800, maximized: false })
  })
  it('forgets a position on a monitor that is gone, keeping the size', () => {
    expect(
      restoreBounds({ x: 2500, y: 50, width: 1300, height: 800, maximized: true }, screen),
    ).toEqual({ width: 1300, height: 800, maximized: true })
  })
  it('uses the default size the first time', () => {
    expect(restoreBounds(null, screen)).toEqual({ width: 1440, height: 900, maximized: false })
  })
})
