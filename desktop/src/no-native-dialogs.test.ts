// Electron implements neither prompt() nor confirm()/alert() (they do nothing or block): the
// renderer asks through its own dialogs (state/dialogs). This fails if one creeps back in.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = import.meta.dirname

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : /\.(svelte|ts)$/.test(e.name) && !e.name.endsWith('.test.ts')
        ? [join(dir, e.name)]
        : [],
  )
}

describe('the renderer', () => {
  it('never calls prompt(, confirm( or alert(', () => {
    const files = sources(SRC)
    expect(files.length).toBeGreaterThan(20)
    const found = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          /(?<![\w$])(prompt|confirm|alert)\s*\(/.test(line)
            ? [`${file.slice(SRC.length + 1)}:${i + 1}: ${line.trim()}`]
            : [],
        ),
    )
    expect(found).toEqual([])
  })
})
