// Benchmark (not a test): time and memory to build 1,000 labels (and a 1,000-row schedule) in each
// format, in-process without the database. Run: node --expose-gc --import tsx bench/documents.ts
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { DOCUMENT_KINDS, type DocumentKind } from '../domain/documents/kinds.ts'
import type { DocumentRow } from '../domain/documents/model.ts'
import { render } from '../domain/documents/render.ts'
import { SETTINGS } from '../domain/settings/registry.ts'

const count = Number(process.argv[2] ?? 1000)
const rows: DocumentRow[] = Array.from({ length: count }, (_, i) => ({
  id: 100_000 + i,
  equipment_name: i % 4 ? 'Манометр' : 'Индикатор часового типа ИЧ-10 с длинным наименованием',
  equipment_model: `МП-100-${i}`,
  equipment_type: 'SI',
  equipment_specs: 'КТ 1,5',
  factory_number: `F${i}`,
  inventory_number: `I${i}`,
  equipment_year: 2015,
  verification_type: 'verification',
  registry_number: '12345-10',
  verification_interval: 12,
  verification_date: '2026-03-10',
  verification_due: '2027-03-09',
  verification_plan: `2027-${String((i % 12) + 1).padStart(2, '0')}-01`,
  verification_state: 'state_work',
  state_since: null,
  status: 'status_fit',
  department: 'gtl',
  department_label: 'ГТЛ',
  department_order: 2,
  responsible_person: 'Иванов И. И.',
  verifier_org: 'ТЦСМ',
}))
const ctx = {
  organization: SETTINGS.organization.default,
  today: '2026-11-29',
  year: 2027,
  bidExtraColumns: false,
}
const gc = (globalThis as { gc?: () => void }).gc

const build = (kind: 'labels' | 'schedule') =>
  (DOCUMENT_KINDS[kind] as DocumentKind).build(rows, ctx, {})

async function measure(kind: 'labels' | 'schedule', format: 'pdf' | 'docx') {
  gc?.()
  const base = process.memoryUsage().rss
  let peak = base
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5)
  const t0 = performance.now()
  const cpu0 = process.cpuUsage()
  const bytes = await render(build(kind), format)
  const ms = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  clearInterval(timer)
  peak = Math.max(peak, process.memoryUsage().rss)
  console.log(
    `${kind} ×${count} ${format}: ${Math.round(ms)} ms wall, ${Math.round((cpu.user + cpu.system) / 1000)} ms CPU, ${(bytes.byteLength / 1e6).toFixed(2)} MB file, ` +
      `RSS ${Math.round(base / 1e6)} → peak ${Math.round(peak / 1e6)} MB`,
  )
}

const only = process.argv[3]
if (only) {
  const [kind, format] = only.split('.') as ['labels' | 'schedule', 'pdf' | 'docx']
  await measure(kind, format)
} else {
  // each measurement in its own process, so one's garbage does not inflate the next one's peak
  for (const what of ['labels.pdf', 'labels.docx', 'schedule.pdf', 'schedule.docx']) {
    execFileSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), String(count), what],
      {
        stdio: 'inherit',
      },
    )
  }
}
