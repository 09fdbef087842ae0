// The shared tables are the only place their words and colours are written: a field label, a
// section title, a file category, a document kind, a status label's text or a status colour spelled
// out anywhere else in the server or the client (a quoted literal, markup text, a CSS value) fails
// here. A source-level scan of domain/, functions/, runtime/ and desktop/src (tests excepted).
import { readdirSync, readFileSync } from 'node:fs'
import { join, posix } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DOCUMENT_KIND_INFO, STATUS_LABEL_TEXTS } from '../domain/shared/document-kinds.ts'
import { FIELDS, SECTIONS } from '../domain/shared/fields.ts'
import { FILE_CATEGORY_LABELS } from '../domain/shared/file-categories.ts'
import { LIST_FILTERS } from '../domain/shared/filters.ts'
import { FilterQuery } from '../domain/equipment/query.ts'
import { STATUS_COLORS } from '../domain/shared/labels.ts'

const ROOT = join(import.meta.dirname, '..')
const DIRS = ['domain', 'functions', 'runtime', 'desktop/src']
const SKIP = new Set(['node_modules', 'dist', 'shared'])

/** the same words meaning something else (the key says where and what) */
const ELSEWHERE: Record<string, string[]> = {
  // a contract's term, the setting «verifier_name», a department's own label
  'domain/audit/present.ts': ['Действует до', 'Организация-поверитель', 'Наименование'],
  // the migration report's line for instruments
  'domain/deltica1/import.ts': ['Оборудование'],
  // the API page's colours of HTTP methods
  'runtime/openapi.ts': ['#52c41a', '#f5222d', '#fa8c16', '#1890ff'],
  // a backup's status, a contract's term, the form's title, a setting, a user's department
  'desktop/src/screens/BackupScreen.svelte': ['Статус'],
  'desktop/src/screens/ContractsScreen.svelte': ['Действует до'],
  'desktop/src/screens/EquipmentForm.svelte': ['Оборудование'],
  'desktop/src/screens/SettingsScreen.svelte': ['Организация-поверитель'],
  'desktop/src/screens/UsersScreen.svelte': ['Подразделение'],
}

function sources(): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (dir: string) => {
    for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const rel = posix.join(dir, e.name)
      if (e.isDirectory()) {
        if (!SKIP.has(e.name) || (dir !== 'domain' && e.name === 'shared')) walk(rel)
      } else if (/\.(ts|svelte|css)$/.test(e.name) && !/\.test\.ts$/.test(e.name)) {
        out.set(rel, readFileSync(join(ROOT, rel), 'utf8'))
      }
    }
  }
  DIRS.forEach(walk)
  return out
}

const words = [
  ...FIELDS.map((f) => f.label),
  ...Object.values(SECTIONS),
  ...Object.values(FILE_CATEGORY_LABELS),
  ...Object.values(DOCUMENT_KIND_INFO).flatMap((k) => [k.title, k.summary]),
  ...Object.values(STATUS_LABEL_TEXTS),
]
const colours = Object.values(STATUS_COLORS)

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
/** a quoted literal that is exactly the word, or markup text that is exactly the word */
const spelled = (word: string) => new RegExp(`(['"\`])${escape(word)}\\1|>\\s*${escape(word)}\\s*<`)

/** every place a shared word or colour is written outside its table */
export function copies(files: Map<string, string>): string[] {
  const found: string[] = []
  for (const [path, text] of files) {
    for (const word of new Set(words)) {
      if (ELSEWHERE[path]?.includes(word)) continue
      if (spelled(word).test(text)) found.push(`${path}: «${word}»`)
    }
    for (const colour of colours) {
      if (ELSEWHERE[path]?.includes(colour)) continue
      if (new RegExp(`${escape(colour)}\\b`, 'i').test(text)) found.push(`${path}: ${colour}`)
    }
  }
  return found
}

describe('the shared tables', () => {
  it('no field label, category, document kind or status colour is written outside them', () => {
    const files = sources()
    expect(files.size).toBeGreaterThan(100)
    expect(files.has('desktop/src/app.css')).toBe(true)
    expect(copies(files)).toEqual([])
  })

  it('the scan finds a copy (a label in a screen, a colour in a stylesheet)', () => {
    const planted = new Map([
      ['desktop/src/screens/X.svelte', `<th>Заводской №</th>`],
      ['domain/x.ts', `const title = 'Общие документы'`],
      ['desktop/src/x.css', `:root { --status_fit: #52C41A; }`],
      ['desktop/src/y.ts', `const h = ['Заводской номер', 'План работ']`],
    ])
    expect(copies(planted)).toEqual([
      'desktop/src/screens/X.svelte: «Заводской №»',
      'domain/x.ts: «Общие документы»',
      'desktop/src/x.css: #52c41a',
    ])
  })
})

/** a list filter's codes restated outside the shared tables: a literal list (an array, a set, a
 *  union type) that holds every code of one filter */
export function restatedFilters(files: Map<string, string>): string[] {
  const found: string[] = []
  const coded = LIST_FILTERS.filter((f) => f.options)
  for (const [path, text] of files) {
    // [ … ] without nested brackets, and `'a' | 'b' | …` unions
    const lists = [
      ...text.matchAll(/\[[^[\]]*\]/g),
      ...text.matchAll(/(?:(['"])[\w]+\1\s*\|\s*)+(['"])[\w]+\2/g),
    ].map((m) => m[0])
    for (const f of coded) {
      const codes = Object.keys(f.options!)
      if (lists.some((l) => codes.every((c) => new RegExp(`(['"\`])${escape(c)}\\1`).test(l))))
        found.push(`${path}: ${f.param}`)
    }
  }
  return found
}

describe('the list filters', () => {
  it("the server accepts exactly the shared table's codes per filter", () => {
    for (const f of LIST_FILTERS.filter((x) => x.options)) {
      const codes = Object.keys(f.options!)
      const ok = FilterQuery.safeParse({ [f.param]: codes.join(',') })
      expect(ok.success, f.param).toBe(true)
      expect((ok.data as Record<string, unknown>)[f.param]).toEqual(codes)
      const bad = FilterQuery.safeParse({ [f.param]: 'no_such_code' })
      expect(bad.success, f.param).toBe(false)
      expect(bad.error!.issues[0].message).toBe(`Допустимые значения: ${codes.join(', ')}`)
    }
  })

  it("no filter's codes are restated outside the shared tables", () => {
    expect(restatedFilters(sources())).toEqual([])
  })

  it('the scan finds a restated filter (a client union, a server list)', () => {
    const planted = new Map([
      [
        'desktop/src/x.ts',
        `type T = 'state_work' | 'state_storage' | 'state_verification' | 'state_repair'`,
      ],
      ['domain/y.ts', `const KINDS = new Set(['verification', 'calibration', 'certification'])`],
      ['domain/z.ts', `status: z.enum(['SI', 'IO'])`],
      ['domain/w.ts', `const some = ['status_expired', 'status_expiring']`],
    ])
    expect(restatedFilters(planted)).toEqual([
      'desktop/src/x.ts: state',
      'domain/y.ts: verification_type',
      'domain/z.ts: type',
    ])
  })
})
