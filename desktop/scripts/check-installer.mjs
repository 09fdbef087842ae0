// CI check of the Windows installer's inputs (the installer itself is built on Windows by
// deploy/build-electron.ps1): electron-builder.yml has the seed plan's settings, LICENSE.txt
// exists, build/icon.ico holds every required size, and the bundles the app starts from exist.
import { existsSync, readFileSync } from 'node:fs'
import { parse } from 'yaml'

const fail = (msg) => {
  console.error(`installer check: ${msg}`)
  process.exit(1)
}
const here = (p) => new URL(`../${p}`, import.meta.url)
const config = parse(readFileSync(here('electron-builder.yml'), 'utf8'))
const expect = (path, value) => {
  const actual = path.split('.').reduce((o, k) => o?.[k], config)
  if (JSON.stringify(actual) !== JSON.stringify(value))
    fail(`${path} = ${JSON.stringify(actual)}, expected ${JSON.stringify(value)}`)
}
expect('appId', 'com.gazpromneft.deltica')
expect('productName', 'Deltica')
expect('directories.output', 'dist-electron')
expect('directories.buildResources', 'build')
expect('win.target', [{ target: 'nsis', arch: ['x64'] }])
expect('win.icon', 'build/icon.ico')
expect('win.signtoolOptions.publisherName', 'Gazprom Neft')
expect('nsis.oneClick', false)
expect('nsis.perMachine', true)
expect('nsis.allowToChangeInstallationDirectory', true)
expect('nsis.createDesktopShortcut', true)
expect('nsis.createStartMenuShortcut', true)
expect('nsis.shortcutName', 'Deltica')
expect('nsis.license', 'LICENSE.txt')
expect('nsis.installerLanguages', ['ru_RU'])
expect('nsis.artifactName', 'Deltica-Setup-${version}.${ext}')
if (!readFileSync(here('LICENSE.txt'), 'utf8').includes('Deltica')) fail('LICENSE.txt is missing')

// ICO directory: count at offset 4, then 16-byte entries (width byte, 0 = 256)
const ico = readFileSync(here('build/icon.ico'))
if (ico.readUInt16LE(2) !== 1) fail('build/icon.ico is not an icon file')
const sizes = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => ico[6 + i * 16] || 256).sort(
  (a, b) => a - b,
)
if (JSON.stringify(sizes) !== JSON.stringify([16, 32, 48, 64, 128, 256]))
  fail(`build/icon.ico sizes ${sizes}, expected 16…256`)

for (const f of ['dist/index.html', 'dist-main/main.cjs', 'dist-main/preload.cjs'])
  if (!existsSync(here(f))) fail(`${f} is not built`)
const main = readFileSync(here('dist-main/main.cjs'), 'utf8')
if (!main.includes('contextIsolation: true') || !main.includes('sandbox: true'))
  fail('main bundle lost its security settings')
console.log(`installer inputs ok: NSIS x64 ru_RU per-machine, icon ${sizes.join('/')} px`)
