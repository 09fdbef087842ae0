// Every document kind (docs/documents.md) in one table: who may print it, its Russian file name, whether
// an empty selection is allowed, which instruments it holds (the rest of the selection is left out
// and named before generation), which requisites of the settings it prints, and how its content is
// built (a flow document or a label sheet).
import { DOCUMENT_KIND_INFO, type StatusLabel } from '../shared/document-kinds.ts'
import { STATUS_LABELS, statusLabels } from './status-labels.ts'
import { bid, BID_WORDS } from './bids.ts'
import { commissioningAct } from './commissioning-act.ts'
import { conservationAct } from './conservation-act.ts'
import { verificationLabels } from './labels.ts'
import type { DocumentContext, DocumentRow, FlowDocument, LabelSheet } from './model.ts'
import { nameAndModel, type Requisite } from './parts.ts'
import { request } from './request.ts'
import { plannedIn, schedule } from './schedule.ts'

export type Built = { flow: FlowDocument } | { labels: LabelSheet }

interface BuildOptions {
  label?: StatusLabel
}

/** Which selected instruments a document holds; `other` names the rest («не поверка»). */
interface Match {
  includes(r: DocumentRow, ctx: DocumentContext, o: BuildOptions): boolean
  other(ctx: DocumentContext, o: BuildOptions): string
}

export interface DocumentKind {
  summary: string
  access: 'user' | 'admin'
  /** the blank form when nothing is selected (the commissioning act) */
  allowEmpty?: boolean
  /** the instruments it holds; without it, every selected one */
  match?: Match
  /** the settings' requisites it prints: warned about before generation when empty */
  requisites: readonly Requisite[]
  /** the download name without the count and extension */
  fileName(o: BuildOptions): string
  build(rows: DocumentRow[], ctx: DocumentContext, o: BuildOptions): Built
}

const APPROVAL: Requisite[] = ['head_title', 'head_name']
const METROLOGIST: Requisite[] = ['metrologist_title', 'metrologist_name']
const BID: Requisite[] = [
  'verifier_name',
  'customer_name',
  'inn',
  'kpp',
  'contract_number',
  'contract_date',
  'contact_person',
  'contact_phone',
  ...METROLOGIST,
]

const bidMatch = (kind: keyof typeof BID_WORDS): Match => ({
  includes: (r) => r.verification_type === kind,
  other: () => BID_WORDS[kind].other,
})

export const DOCUMENT_KINDS = {
  labels: {
    ...DOCUMENT_KIND_INFO['labels'],
    requisites: [],
    fileName: () => DOCUMENT_KIND_INFO.labels.title,
    build: (rows) => ({ labels: verificationLabels(rows) }),
  },
  'status-labels': {
    ...DOCUMENT_KIND_INFO['status-labels'],
    match: {
      includes: (r, _ctx, o) => STATUS_LABELS[o.label!].matches(r),
      other: (_ctx, o) => STATUS_LABELS[o.label!].other,
    },
    requisites: [],
    fileName: (o) => STATUS_LABELS[o.label!].file,
    build: (rows, _ctx, o) => ({ labels: statusLabels(rows, o.label!) }),
  },
  'conservation-act': {
    ...DOCUMENT_KIND_INFO['conservation-act'],
    match: {
      includes: (r) => r.verification_state === 'state_storage',
      other: () => 'не на консервации',
    },
    requisites: [...APPROVAL, 'customer_name', 'commission', 'room'],
    fileName: () => 'Акт_консервации',
    build: (rows, ctx) => ({ flow: conservationAct(rows, ctx) }),
  },
  'bid-verification': {
    ...DOCUMENT_KIND_INFO['bid-verification'],
    match: bidMatch('verification'),
    requisites: BID,
    fileName: () => 'Заявка_на_поверку',
    build: (rows, ctx) => ({ flow: bid('verification', rows, ctx) }),
  },
  'bid-calibration': {
    ...DOCUMENT_KIND_INFO['bid-calibration'],
    match: bidMatch('calibration'),
    requisites: BID,
    fileName: () => 'Заявка_на_калибровку',
    build: (rows, ctx) => ({ flow: bid('calibration', rows, ctx) }),
  },
  request: {
    ...DOCUMENT_KIND_INFO['request'],
    requisites: ['customer_name', 'room', ...METROLOGIST],
    fileName: () => DOCUMENT_KIND_INFO.request.title,
    build: (rows, ctx) => ({ flow: request(rows, ctx) }),
  },
  'commissioning-act': {
    ...DOCUMENT_KIND_INFO['commissioning-act'],
    allowEmpty: DOCUMENT_KIND_INFO['commissioning-act'].withoutSelection,
    requisites: [...APPROVAL, 'customer_name', 'commission'],
    fileName: () => 'Акт_ввода_в_эксплуатацию',
    build: (rows, ctx) => ({ flow: commissioningAct(rows, ctx) }),
  },
  schedule: {
    ...DOCUMENT_KIND_INFO['schedule'],
    match: {
      includes: (r, ctx) => plannedIn(r, ctx.year),
      other: (ctx) => `запланированы не на ${ctx.year} год`,
    },
    requisites: [...APPROVAL, 'customer_name', ...METROLOGIST],
    fileName: () => 'График_поверки',
    build: (rows, ctx) => ({ flow: schedule(rows, ctx) }),
  },
} satisfies Record<string, DocumentKind>

export type { DocumentKindName } from '../shared/document-kinds.ts'

/** How many of the excluded a warning lists by name. */
const NAMED = 20

export interface Sorted {
  included: DocumentRow[]
  excluded: DocumentRow[]
  /** «3 из 10 — не поверка, не включены», or null when nothing is left out */
  message: string | null
}

/** The selection split into what the document holds and what it leaves out. */
export function sortOut(
  kind: DocumentKind,
  rows: DocumentRow[],
  ctx: DocumentContext,
  o: BuildOptions,
): Sorted {
  const match = kind.match
  if (!match) return { included: rows, excluded: [], message: null }
  const included: DocumentRow[] = []
  const excluded: DocumentRow[] = []
  for (const r of rows) (match.includes(r, ctx, o) ? included : excluded).push(r)
  const n = excluded.length
  const one = n % 10 === 1 && n % 100 !== 11
  const message = n
    ? `${n.toLocaleString('ru-RU')} из ${rows.length.toLocaleString('ru-RU')} — ${match.other(ctx, o)}, ${one ? 'не включён' : 'не включены'}`
    : null
  return { included, excluded, message }
}

/** The left-out instruments as the warning names them (the first NAMED). */
export const namedExcluded = (excluded: DocumentRow[]) =>
  excluded.slice(0, NAMED).map((r) => ({
    id: r.id,
    name: nameAndModel(r),
    factory_number: r.factory_number,
  }))

/** `Этикетки_12_шт.pdf`; a blank form is `…_бланк.docx` */
export function downloadName(base: string, count: number, format: 'pdf' | 'docx'): string {
  return `${base}_${count ? `${count}_шт` : 'бланк'}.${format}`
}
