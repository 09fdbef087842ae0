// Run by the root package's `prepare` script, i.e. by every `npm install` / `npm ci` at the
// repository root: builds the web client (the desktop renderer, served by the server at /) so that
// the README's first command line ends on the sign-in page. Skipped with one line when vite is not
// installed — the production-dependencies install (`npm ci --omit=dev`, as in docker/Dockerfile)
// has no dev tools, and the image takes the renderer from its own build stage.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const desktop = join(dirname(fileURLToPath(import.meta.url)), '..')

/** vite's command-line script, looked up as Node resolves packages: desktop/ and its parents. */
function findVite() {
  for (let dir = desktop; ; dir = dirname(dir)) {
    const bin = join(dir, 'node_modules', 'vite', 'bin', 'vite.js')
    if (existsSync(bin)) return bin
    if (dirname(dir) === dir) return null
  }
}

const vite = findVite()
if (!vite) {
  console.log(
    'deltica: vite is not installed (production dependencies only): the web client is not built',
  )
} else {
  const started = Date.now()
  const run = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'error'], {
    cwd: desktop,
    stdio: 'inherit',
  })
  if (run.status !== 0) process.exit(run.status ?? 1)
  console.log(
    `deltica: web client built into desktop/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  )
}
