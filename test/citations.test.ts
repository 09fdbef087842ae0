// Comments cite only the repository: no "SPEC §n", "issue n" or the product documents kept
// outside it (SPEC.md, STYLE.md, DELTICA1.md). The facts the code relies on are in docs/.
import { readdirSync, readFileSync } from 'node:fs'
import { join, posix } from 'node:path'
import { expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..')
const DIRS = [
  'runtime',
  'domain',
  'functions',
  'test',
  'bench',
  'migrations',
  'deploy',
  'docker',
  '.ci',
  'desktop',
]
const SKIP = new Set([
  'node_modules',
  'dist',
  'dist-main',
  'dist-electron',
  'build',
  '.git',
  'data',
])
const TEXT = /\.(ts|mjs|cjs|js|svelte|css|sql|sh|ps1|ya?ml|html|json)$|^(Dockerfile|\.env.*)$/

/** A citation of a document outside the repository; null when the text has none. */
export function outsideCitation(text: string): string | null {
  const m = /SPEC\s*§\s*\d|\b[Ii]ssue\s*#?\d+|\b(SPEC|STYLE|DELTICA1)\.md\b/.exec(text)
  return m ? m[0] : null
}

function files(dir: string, out: string[] = []): string[] {
  let entries
  try {
    entries = readdirSync(join(ROOT, dir), { withFileTypes: true })
  } catch {
    return out
  }
  for (const e of entries) {
    if (SKIP.has(e.name)) continue
    const rel = posix.join(dir, e.name)
    if (e.isDirectory()) files(rel, out)
    else if (TEXT.test(e.name) && !e.name.endsWith('package-lock.json')) out.push(rel)
  }
  return out
}

it('recognises a citation and leaves ordinary text alone', () => {
  expect(outsideCitation('// status colours (SPEC §1)')).toBe('SPEC §1')
  expect(outsideCitation('-- Live register (issue 30): events')).toBe('issue 30')
  expect(outsideCitation('# see DELTICA1.md')).toBe('DELTICA1.md')
  expect(outsideCitation('const SPECS = [] // docs/domain.md § Files')).toBeNull()
})

it('no file of the code cites a document outside the repository', () => {
  const found: string[] = []
  const all = DIRS.flatMap((d) => files(d))
  expect(all.length).toBeGreaterThan(300)
  for (const file of all) {
    if (file === 'test/citations.test.ts') continue
    readFileSync(join(ROOT, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const hit = outsideCitation(line)
        if (hit) found.push(`${file}:${i + 1}: ${hit}`)
      })
  }
  expect(found).toEqual([])
})
