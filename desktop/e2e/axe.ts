// The accessibility check of the browser tests: axe-core (Deque's rules engine) injected into the
// page through playwright-core and run over the whole document; the serious and critical
// violations are returned, each with the first few elements it names. (@axe-core/playwright
// needs Node 22; this is the same engine without it.)
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

export interface Violation {
  id: string
  impact: string
  help: string
  nodes: string[]
}

export async function seriousViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE })
  return page.evaluate(async () => {
    const axe = (window as any).axe
    const result = await axe.run(document, { resultTypes: ['violations'] })
    return result.violations
      .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
      .map((v: any) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 12).map((n: any) => `${n.target.join(' ')} — ${n.failureSummary}`),
      }))
  })
}
