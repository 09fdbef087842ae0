// Every document kind (docs/documents.md) in one table: who may print it, its Russian file name, whether
// an empty selection is allowed, and how its content is built (a flow document or a label sheet).
import type { StatusLabel } from './status-labels.ts'
import { STATUS_LABELS, statusLabels } from './status-labels.ts'
import { bid } from './bids.ts'
import { commissioningAct } from './commissioning-act.ts'
import { conservationAct } from './conservation-act.ts'
import { verificationLabels } from './labels.ts'
import type { DocumentContext, DocumentRow, FlowDocument, LabelSheet } from './model.ts'
import { request } from './request.ts'
import { schedule } from './schedule.ts'

export type Built = { flow: FlowDocument } | { labels: LabelSheet }

interface BuildOptions {
  label?: StatusLabel
}

export interface DocumentKind {
  summary: string
  access: 'user' | 'admin'
  /** the blank form when nothing is selected (the commissioning act) */
  allowEmpty?: boolean
  /** the download name without the count and extension */
  fileName(o: BuildOptions): string
  build(rows: DocumentRow[], ctx: DocumentContext, o: BuildOptions): Built
}

export const DOCUMENT_KINDS = {
  labels: {
    summary: 'Этикетки с QR-кодом',
    access: 'user',
    fileName: () => 'Этикетки',
    build: (rows) => ({ labels: verificationLabels(rows) }),
  },
  'status-labels': {
    summary: 'Статусные этикетки (консервация, ремонт, запрет эксплуатации)',
    access: 'user',
    fileName: (o) => STATUS_LABELS[o.label!].file,
    build: (rows, _ctx, o) => ({ labels: statusLabels(rows, o.label!) }),
  },
  'conservation-act': {
    summary: 'Акт консервации',
    access: 'user',
    fileName: () => 'Акт_консервации',
    build: (rows, ctx) => ({ flow: conservationAct(rows, ctx) }),
  },
  'bid-verification': {
    summary: 'Заявка на поверку',
    access: 'admin',
    fileName: () => 'Заявка_на_поверку',
    build: (rows, ctx) => ({ flow: bid('verification', rows, ctx) }),
  },
  'bid-calibration': {
    summary: 'Заявка на калибровку',
    access: 'admin',
    fileName: () => 'Заявка_на_калибровку',
    build: (rows, ctx) => ({ flow: bid('calibration', rows, ctx) }),
  },
  request: {
    summary: 'Предписание о сдаче на поверку',
    access: 'admin',
    fileName: () => 'Предписание',
    build: (rows, ctx) => ({ flow: request(rows, ctx) }),
  },
  'commissioning-act': {
    summary: 'Акт ввода в эксплуатацию (без выбора — пустой бланк)',
    access: 'admin',
    allowEmpty: true,
    fileName: () => 'Акт_ввода_в_эксплуатацию',
    build: (rows, ctx) => ({ flow: commissioningAct(rows, ctx) }),
  },
  schedule: {
    summary: 'График поверки',
    access: 'admin',
    fileName: () => 'График_поверки',
    build: (rows, ctx) => ({ flow: schedule(rows, ctx) }),
  },
} satisfies Record<string, DocumentKind>

export type DocumentKindName = keyof typeof DOCUMENT_KINDS

/** `Этикетки_12_шт.pdf`; a blank form is `…_бланк.docx` */
export function downloadName(base: string, count: number, format: 'pdf' | 'docx'): string {
  return `${base}_${count ? `${count}_шт` : 'бланк'}.${format}`
}
