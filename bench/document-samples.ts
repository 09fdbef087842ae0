// Renders the sample documents shown in docs/documents.md (docs/images/doc-*.png): every kind as
// PDF, first page, through pdftoppm; the label sheet also as DOCX converted by LibreOffice. Each
// kind gets what it holds (sortOut): the bids their verification type, the status labels and the
// conservation act the instruments in their state, the schedule the instruments of its year.
// Run: node --import tsx bench/document-samples.ts   (needs poppler-utils; LibreOffice optional)
import { execFileSync } from 'node:child_process'
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DOCUMENT_KINDS, sortOut, type DocumentKind } from '../domain/documents/kinds.ts'
import type { DocumentRow } from '../domain/documents/model.ts'
import { render } from '../domain/documents/render.ts'
import type { StatusLabel } from '../domain/documents/status-labels.ts'

const out = fileURLToPath(new URL('../docs/images/', import.meta.url))
const tmp = mkdtempSync(join(tmpdir(), 'deltica-samples-'))

const names = [
  ['Манометр', 'МП-100', 'КТ 1,5'],
  ['Термометр', 'ТЛ-4', '-'],
  ['Индикатор часового типа', 'ИЧ-10', 'КТ 1'],
  ['Весы лабораторные', 'ВЛ-210', 'I (спец.)'],
  ['Ареометр', 'АОН-1', '-'],
  ['Термогигрометр', 'ИВА-6Н', '±2 %'],
]
const departments = [
  ['gtl', 'ГТЛ', 2],
  ['lhaiei', 'ЛХАиЭИ', 6],
  ['lbr', 'ЛБР', 3],
] as const
const rows: DocumentRow[] = Array.from({ length: 12 }, (_, i) => {
  const [name, model, specs] = names[i % names.length]
  const [department, label, order] = departments[i % departments.length]
  const month = String((i % 12) + 1).padStart(2, '0')
  return {
    id: 1201 + i,
    equipment_name: name,
    equipment_model: model,
    equipment_type: 'SI',
    equipment_specs: specs,
    factory_number: `${41870 + i * 13}`,
    inventory_number: `00${3150 + i}`,
    equipment_year: 2012 + (i % 10),
    verification_type: i % 4 === 3 ? 'calibration' : 'verification',
    registry_number: i % 3 ? `${22010 + i}-0${i % 9}` : null,
    verification_interval: 12,
    verification_date: `${i % 5 === 4 ? 2025 : 2026}-${month}-15`,
    verification_due: `${i % 5 === 4 ? 2026 : 2027}-${month}-14`,
    verification_plan: `${i % 5 === 4 ? 2026 : 2027}-${month}-01`,
    verification_state: (['state_work', 'state_storage', 'state_repair'] as const)[i % 3],
    state_since: i % 3 === 1 ? `2026-0${(i % 9) + 1}-2${i % 8}` : null,
    status: ['status_fit', 'status_storage', 'status_repair'][i % 3],
    department,
    department_label: label,
    department_order: order,
    responsible_person: 'Иванов И. И.',
    verifier_org: 'ТЦСМ',
  }
})
const ctx = {
  today: '2026-11-30',
  year: 2027,
  bidExtraColumns: false,
  organization: {
    customer_name: 'ООО «Газпромнефть-Филиал» (пример)',
    inn: '7700000000',
    kpp: '770001001',
    contract_number: '123/26-М',
    contract_date: '2026-01-20',
    contact_person: 'Смирнова О. П.',
    contact_phone: '+7 (000) 000-00-00',
    room: '214',
    verifier_name: 'ФБУ «ЦСМ» (пример)',
    head_title: 'Главный инженер',
    head_name: 'К. К. Кузнецов',
    metrologist_title: 'Метролог филиала',
    metrologist_name: 'М. А. Орлова',
    commission: ['П. П. Петров', 'С. С. Сидоров', 'Ф. Ф. Фёдорова'],
  },
}

function png(pdf: Uint8Array, name: string) {
  const file = join(tmp, `${name}.pdf`)
  writeFileSync(file, pdf)
  execFileSync('pdftoppm', [
    '-r',
    '60',
    '-png',
    '-singlefile',
    '-f',
    '1',
    '-l',
    '1',
    file,
    join(tmp, name),
  ])
  renameSync(join(tmp, `${name}.png`), join(out, `doc-${name}.png`))
}

/** the sample rows in the forbidden label's state: past their date */
const expired = rows.map((r) => ({ ...r, status: 'status_expired' }))

function build(kind: keyof typeof DOCUMENT_KINDS, label?: StatusLabel, selection = rows) {
  const k = DOCUMENT_KINDS[kind] as DocumentKind
  return k.build(sortOut(k, selection, ctx, { label }).included, ctx, { label })
}

try {
  for (const kind of Object.keys(DOCUMENT_KINDS) as (keyof typeof DOCUMENT_KINDS)[]) {
    if (kind === 'status-labels') continue
    png(await render(build(kind), 'pdf'), kind)
  }
  for (const label of ['storage', 'repair', 'forbidden'] as const) {
    const selection = (label === 'forbidden' ? expired.slice(0, 4) : rows).slice(0, 12)
    png(await render(build('status-labels', label, selection), 'pdf'), `status-${label}`)
  }
  png(await render(build('commissioning-act', undefined, []), 'pdf'), 'commissioning-act-blank')
  try {
    const docx = join(tmp, 'labels-docx.docx')
    writeFileSync(docx, await render(build('labels'), 'docx'))
    execFileSync(
      'libreoffice',
      [
        `-env:UserInstallation=file://${tmp}/lo`,
        '--headless',
        '--convert-to',
        'pdf',
        '--outdir',
        tmp,
        docx,
      ],
      { stdio: 'ignore' },
    )
    execFileSync('pdftoppm', [
      '-r',
      '60',
      '-png',
      '-singlefile',
      join(tmp, 'labels-docx.pdf'),
      join(out, 'doc-labels-docx'),
    ])
  } catch {
    console.log('LibreOffice not available: doc-labels-docx.png not refreshed')
  }
} finally {
  rmSync(tmp, { recursive: true, force: true })
}
console.log(`samples written to ${out}`)
