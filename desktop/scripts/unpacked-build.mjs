// CI: an unpacked electron-builder build with a stand-in Electron binary (the real one cannot be
// downloaded here). Proves the configuration is valid for this electron-builder and that the
// package holds the renderer, the main/preload bundles and the runtime dependencies.
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import asar from '@electron/asar'

const work = mkdtempSync(join(tmpdir(), 'deltica-eb-'))
try {
  const dist = join(work, 'electron')
  mkdirSync(join(dist, 'resources'), { recursive: true })
  writeFileSync(join(dist, 'electron'), '#!/bin/sh\necho stand-in\n')
  chmodSync(join(dist, 'electron'), 0o755)
  const out = join(work, 'out')
  execFileSync(
    'npx',
    [
      'electron-builder',
      '--linux',
      'dir',
      '--x64',
      `-c.electronDist=${dist}`,
      '-c.electronVersion=45.3.4',
      `-c.directories.output=${out}`,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  )
  const files = new Set(asar.listPackage(join(out, 'linux-unpacked/resources/app.asar')))
  for (const f of [
    '/dist/index.html',
    '/dist-main/main.cjs',
    '/dist-main/preload.cjs',
    '/node_modules/electron-updater/package.json',
    '/package.json',
  ]) {
    if (!files.has(f)) throw new Error(`app.asar lacks ${f}`)
  }
  if ([...files].some((f) => f.startsWith('/node_modules/electron-builder/')))
    throw new Error('app.asar carries build tools')
  console.log(`unpacked build ok: app.asar with ${files.size} entries`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
