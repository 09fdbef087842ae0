// Every advisory-lock key is in runtime/locks.ts: no other TypeScript file takes one, and the
// keys the migrations' SQL takes are the ones listed in SQL_LOCKS.
import { readdirSync, readFileSync } from 'node:fs'
import { join, posix } from 'node:path'
import { expect, it } from 'vitest'
import { SQL_LOCKS } from './locks.ts'

const ROOT = join(import.meta.dirname, '..')
const ADVISORY = /pg_(?:try_)?advisory_(?:xact_)?(?:un)?lock(?:_shared)?\s*\(([^)]*)\)/g

function walk(dir: string, ext: RegExp, out: string[] = []): string[] {
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const rel = posix.join(dir, e.name)
    if (e.isDirectory()) walk(rel, ext, out)
    else if (ext.test(e.name) && !e.name.endsWith('.test.ts')) out.push(rel)
  }
  return out
}

it('no TypeScript file outside runtime/locks.ts takes an advisory lock', () => {
  const files = ['runtime', 'domain', 'functions'].flatMap((d) => walk(d, /\.ts$/))
  expect(files).toContain('runtime/locks.ts')
  const takers = files.filter(
    (f) =>
      f !== 'runtime/locks.ts' &&
      new RegExp(ADVISORY.source).test(readFileSync(join(ROOT, f), 'utf8')),
  )
  expect(takers).toEqual([])
})

it('the migrations take only the keys listed in SQL_LOCKS', () => {
  const listed = new Set<string>(Object.values(SQL_LOCKS).map(String))
  const taken: string[] = []
  for (const file of walk('migrations', /\.sql$/)) {
    for (const m of readFileSync(join(ROOT, file), 'utf8').matchAll(ADVISORY)) {
      const key = m[1].replace(/[\s_]/g, '')
      if (!listed.has(key)) taken.push(`${file}: ${m[0]}`)
    }
  }
  expect(taken).toEqual([])
  expect(listed.size).toBe(Object.keys(SQL_LOCKS).length)
})
