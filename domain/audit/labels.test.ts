import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AUDIT_ACTIONS, AUDIT_ENTITIES } from '../shared/audit-labels.ts'

const ROOT = join(import.meta.dirname, '..', '..')

/** Every `recordAudit(…, { action: '…', entity: '…' })` written by the server's own code. */
function auditedCodes() {
  const actions = new Set<string>()
  const entities = new Set<string>()
  for (const dir of ['domain', 'functions', 'runtime']) {
    for (const file of readdirSync(join(ROOT, dir), { recursive: true }) as string[]) {
      if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue
      const text = readFileSync(join(ROOT, dir, file), 'utf8')
      for (const call of text.matchAll(/recordAudit\(([\s\S]{0,600}?)\}\)/g)) {
        // every literal in the value: `opts.audit ?? 'equipment_create'`, `a ? 'x' : 'y'`
        const literals = (key: string) =>
          [
            ...(new RegExp(`${key}:([^,\\n]*)`).exec(call[1])?.[1] ?? '').matchAll(
              /'([a-z0-9_]+)'/g,
            ),
          ].map((m) => m[1])
        for (const a of literals('action')) actions.add(a)
        for (const e of literals('entity')) entities.add(e)
      }
    }
  }
  return { actions, entities }
}

describe('the audit log in Russian', () => {
  it('every action and object kind the server records has a Russian label', () => {
    const { actions, entities } = auditedCodes()
    // the scan itself must find the common writes, or it proves nothing
    expect(actions).toContain('equipment_create')
    expect(entities).toContain('equipment')
    expect([...actions].filter((a) => !AUDIT_ACTIONS[a])).toEqual([])
    expect([...entities].filter((e) => !AUDIT_ENTITIES[e])).toEqual([])
  })
})
