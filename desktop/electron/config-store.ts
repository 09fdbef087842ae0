// The desktop client's own settings file (userData/deltica.json): the saved server address and
// the window's size and position. Plain Node (no Electron import) so it is unit-tested under
// Node. Writes go to a temp file renamed over the old one, so a crash never leaves half a file.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

export interface WindowState {
  x?: number
  y?: number
  width: number
  height: number
  maximized: boolean
}

export interface DesktopConfig {
  serverUrl: string | null
  window: WindowState | null
}

const EMPTY: DesktopConfig = { serverUrl: null, window: null }

const isInt = (v: unknown): v is number => Number.isInteger(v)

function validWindow(w: unknown): WindowState | null {
  if (typeof w !== 'object' || w === null) return null
  const s = w as Record<string, unknown>
  if (!isInt(s.width) || !isInt(s.height) || s.width < 400 || s.height < 300) return null
  const state: WindowState = { width: s.width, height: s.height, maximized: s.maximized === true }
  if (isInt(s.x) && isInt(s.y)) Object.assign(state, { x: s.x, y: s.y })
  return state
}

export class ConfigStore {
  constructor(readonly file: string) {}

  /** The saved settings; a missing or damaged file reads as defaults. */
  read(): DesktopConfig {
    let raw: unknown
    try {
      raw = JSON.parse(readFileSync(this.file, 'utf8'))
    } catch {
      return { ...EMPTY }
    }
    if (typeof raw !== 'object' || raw === null) return { ...EMPTY }
    const r = raw as Record<string, unknown>
    return {
      serverUrl:
        typeof r.serverUrl === 'string' && /^https?:\/\//.test(r.serverUrl) ? r.serverUrl : null,
      window: validWindow(r.window),
    }
  }

  update(patch: Partial<DesktopConfig>): DesktopConfig {
    const next = { ...this.read(), ...patch }
    mkdirSync(dirname(this.file), { recursive: true })
    const temp = `${this.file}.${process.pid}.tmp`
    writeFileSync(temp, JSON.stringify(next, null, 2))
    renameSync(temp, this.file)
    return next
  }
}

interface Rect {
  x: number
  y: number
  width: number
  height: number
}

/**
 * Bounds to open the window with: the saved ones when they still overlap a display by a usable
 * margin (a monitor may have been unplugged), else the default size centred by Electron.
 */
export function restoreBounds(
  saved: WindowState | null,
  workAreas: Rect[],
  fallback = { width: 1440, height: 900 },
): { x?: number; y?: number; width: number; height: number; maximized: boolean } {
  if (!saved) return { ...fallback, maximized: false }
  const { x, y, width, height, maximized } = saved
  if (x === undefined || y === undefined) return { width, height, maximized }
  const visible = workAreas.some(
    (a) =>
      Math.min(x + width, a.x + a.width) - Math.max(x, a.x) >= 100 &&
      Math.min(y + height, a.y + a.height) - Math.max(y, a.y) >= 50,
  )
  return visible ? { x, y, width, height, maximized } : { width, height, maximized }
}
