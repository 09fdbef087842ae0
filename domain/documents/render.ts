// Turns a built document into bytes in the asked format: flow documents and label sheets each
// have a PDF and a DOCX renderer. Everything stays in memory; nothing touches the disk.
import { renderFlowDocx } from './docx-flow.ts'
import type { Built } from './kinds.ts'
import { renderLabelsDocx } from './label-docx.ts'
import { renderLabelsPdf } from './label-pdf.ts'
import { renderFlowPdf } from './pdf-flow.ts'

export type DocumentFormat = 'pdf' | 'docx'

export const MEDIA_TYPES: Record<DocumentFormat, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
}

export async function render(built: Built, format: DocumentFormat): Promise<Uint8Array> {
  if ('labels' in built) {
    return format === 'pdf' ? renderLabelsPdf(built.labels) : renderLabelsDocx(built.labels)
  }
  return format === 'pdf' ? renderFlowPdf(built.flow) : renderFlowDocx(built.flow)
}
