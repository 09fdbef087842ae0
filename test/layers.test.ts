// The layers point one way: functions/ (HTTP) → domain/ → runtime/ (infrastructure). Every
// import of every .ts file is read (TypeScript's own pre-processor: static, type-only, re-exports
// and dynamic imports) and checked:
//   - a runtime/ file imports neither domain/ nor functions/ (runtime/main.ts and runtime/cli/*,
//     the entry points that wire the layers together, excepted);
//   - a domain/ file does not import functions/;
//   - what the desktop client reaches through its @shared alias (the folder named in
//     desktop/vite.config.ts and desktop/tsconfig.json, and everything it imports) uses no Node
//     module and nothing from runtime/ or functions/.
import { readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join, posix, relative, sep } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..')
const SKIP = new Set(['node_modules', 'dist', 'dist-main', '.git', 'data'])

/** repo-relative posix path → source text, for every .ts/.svelte file under `dirs` */
function sources(dirs: string[]): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (dir: string) => {
    for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      if (SKIP.has(e.name)) continue
      const rel = posix.join(dir, e.name)
      if (e.isDirectory()) walk(rel)
      else if (/\.(ts|svelte)$/.test(e.name)) out.set(rel, readFileSync(join(ROOT, rel), 'utf8'))
    }
  }
  dirs.forEach(walk)
  return out
}

function specifiers(text: string): string[] {
  // a .svelte file: its <script> blocks
  const code = /<script[\s>]/.test(text)
    ? [...text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n')
    : text
  return ts.preProcessFile(code, true, true).importedFiles.map((f) => f.fileName)
}

const NODE = new Set(builtinModules)
const isNode = (spec: string) => spec.startsWith('node:') || NODE.has(spec.split('/')[0])
const under = (path: string, dir: string) => path === dir || path.startsWith(dir + '/')

export interface Layout {
  /** the folder the client's @shared alias points at, repo-relative */
  shared: string
}

/** Every broken rule in `files` (repo-relative path → text), one line each. */
export function layerViolations(files: Map<string, string>, layout: Layout): string[] {
  const problems: string[] = []
  const imports = new Map<string, { spec: string; target: string | null }[]>()
  const importsOf = (file: string) => {
    let list = imports.get(file)
    if (!list) {
      list = specifiers(files.get(file) ?? '').map((spec) => {
        if (spec.startsWith('@shared/')) {
          return { spec, target: posix.join(layout.shared, spec.slice('@shared/'.length)) }
        }
        if (!spec.startsWith('.')) return { spec, target: null }
        return { spec, target: posix.normalize(posix.join(posix.dirname(file), spec)) }
      })
      imports.set(file, list)
    }
    return list
  }

  for (const file of files.keys()) {
    const wiring = file === 'runtime/main.ts' || under(file, 'runtime/cli')
    for (const { spec, target } of importsOf(file)) {
      if (!target) continue
      if (
        under(file, 'runtime') &&
        !wiring &&
        (under(target, 'domain') || under(target, 'functions'))
      )
        problems.push(`${file}: runtime/ imports ${target} ('${spec}')`)
      if (under(file, 'domain') && under(target, 'functions'))
        problems.push(`${file}: domain/ imports ${target} ('${spec}')`)
    }
  }

  // the client's side: the alias folder and everything reachable from it or from @shared imports
  const queue = [...files.keys()].filter(
    (f) =>
      under(f, layout.shared) ||
      (under(f, 'desktop') && importsOf(f).some((i) => i.spec.startsWith('@shared/'))),
  )
  const seen = new Set<string>()
  while (queue.length) {
    const file = queue.pop()!
    if (seen.has(file)) continue
    seen.add(file)
    const clientModule = !under(file, 'desktop')
    for (const { spec, target } of importsOf(file)) {
      if (clientModule && isNode(spec)) problems.push(`${file}: the client reaches ${spec}`)
      if (!target || (!clientModule && !spec.startsWith('@shared/'))) continue
      if (under(target, 'runtime') || under(target, 'functions'))
        problems.push(`${file}: the client reaches ${target} ('${spec}')`)
      else if (files.has(target)) queue.push(target)
      else problems.push(`${file}: ${spec} does not resolve to a file`)
    }
  }
  return problems
}

/** The folder of the @shared alias, which both desktop configs must name alike. */
function sharedFolder(): string {
  const vite = readFileSync(join(ROOT, 'desktop/vite.config.ts'), 'utf8')
  const fromVite = /'@shared':\s*fileURLToPath\(new URL\('([^']+)'/.exec(vite)?.[1]
  const tsconfig = JSON.parse(readFileSync(join(ROOT, 'desktop/tsconfig.json'), 'utf8'))
  const fromTs = tsconfig.compilerOptions.paths['@shared/*'][0].replace(/\/\*$/, '')
  const rel = (p: string) =>
    relative(ROOT, join(ROOT, 'desktop', p))
      .split(sep)
      .join('/')
  expect(fromVite && rel(fromVite)).toBe(rel(fromTs))
  return rel(fromTs)
}

describe('layers', () => {
  it('point one way in this repository', () => {
    const layout = { shared: sharedFolder() }
    expect(layout.shared.startsWith('domain/')).toBe(true)
    const files = sources(['runtime', 'domain', 'functions', 'desktop'])
    expect(files.size).toBeGreaterThan(100)
    expect(layerViolations(files, layout)).toEqual([])
  })

  it('catches a back-import, a client module reaching Node or runtime/, a type-only import', () => {
    const files = new Map([
      ['runtime/app.ts', `import { recordAudit } from '../domain/audit/record.ts'`],
      ['runtime/db.ts', `import type { Env } from '../functions/x.ts'`],
      ['runtime/main.ts', `import { dailyJobs } from '../domain/jobs/daily.ts'`],
      ['runtime/cli/backup.ts', `import { createBackup } from '../../domain/backup/backup.ts'`],
      ['domain/audit/record.ts', `const m = await import('../../functions/audit.ts')`],
      ['domain/shared/labels.ts', `export * from './format.ts'`],
      ['domain/shared/format.ts', `import { join } from 'path'\nimport '../../runtime/clock.ts'`],
      ['desktop/src/lib/a.ts', `import { X } from '@shared/labels.ts'\nimport 'node:fs'`],
    ])
    expect(layerViolations(files, { shared: 'domain/shared' }).sort()).toEqual([
      "domain/audit/record.ts: domain/ imports functions/audit.ts ('../../functions/audit.ts')",
      'domain/shared/format.ts: the client reaches path',
      "domain/shared/format.ts: the client reaches runtime/clock.ts ('../../runtime/clock.ts')",
      "runtime/app.ts: runtime/ imports domain/audit/record.ts ('../domain/audit/record.ts')",
      "runtime/db.ts: runtime/ imports functions/x.ts ('../functions/x.ts')",
    ])
  })
})
