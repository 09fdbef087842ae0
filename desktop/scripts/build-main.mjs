// Bundles the Electron main process and the preload to CommonJS in dist-main/ (the sandboxed
// preload cannot load other modules), with VITE_API_URL from .env.production baked in.
import { readFileSync } from 'node:fs'
import { build } from 'esbuild'

const env = Object.fromEntries(
  readFileSync(new URL('../.env.production', import.meta.url), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && l.includes('='))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
)

for (const [entry, out] of [
  ['electron/main.ts', 'dist-main/main.cjs'],
  ['electron/preload.ts', 'dist-main/preload.cjs'],
]) {
  await build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['electron', 'electron-updater'],
    define: { 'import.meta.env': JSON.stringify({ VITE_API_URL: env.VITE_API_URL ?? null }) },
    logLevel: 'warning',
  })
}
console.log('dist-main: main.cjs, preload.cjs')
