// Sweeping unfinished uploads at start-up, with replicas sharing DATA_DIR: a temporary file
// untouched for a day is a dead process's and goes; a fresh one may be another replica's upload
// in progress and stays, as does every stored file.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { fileStore, folderPath } from './store.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'deltica-sweep-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

it('removes only the temporary files untouched for longer than the limit', async () => {
  const dir = folderPath(dataDir, ['equipment', '12'])
  mkdirSync(dir, { recursive: true })
  const dead = join(dir, '.dead.part')
  const live = join(dir, '.live.part')
  const stored = join(dir, 'a1b2.pdf')
  for (const f of [dead, live, stored]) writeFileSync(f, 'x')
  const dayAndHourAgo = (Date.now() - 25 * 3600_000) / 1000
  utimesSync(dead, dayAndHourAgo, dayAndHourAgo)
  utimesSync(stored, dayAndHourAgo, dayAndHourAgo)

  expect(await fileStore(dataDir).sweepPartial()).toBe(1)
  expect([existsSync(dead), existsSync(live), existsSync(stored)]).toEqual([false, true, true])
  // with no age limit (a single server that knows it is alone) the fresh one goes too
  expect(await fileStore(dataDir).sweepPartial(0)).toBe(1)
  expect(existsSync(live)).toBe(false)
})
