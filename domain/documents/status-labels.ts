// The three status labels : «НА КОНСЕРВАЦИИ», «НЕ ИСПОЛЬЗОВАТЬ / В РЕМОНТЕ»,
// «ЭКСПЛУАТАЦИЯ ЗАПРЕЩЕНА» — framed in the status colour, one per instrument in the matching
// state: on conservation, in repair, past its verification date (kinds.ts leaves the rest out
// and names them as `other`).
import { STATUS_LABEL_TEXTS, type StatusLabel } from '../shared/document-kinds.ts'
import { STATUS_COLORS } from '../shared/labels.ts'
import type { DocumentRow, LabelSheet } from './model.ts'
import { nameAndModel } from './parts.ts'

export const STATUS_LABELS = {
  storage: {
    text: STATUS_LABEL_TEXTS.storage,
    color: STATUS_COLORS.status_storage,
    file: 'Этикетки_На_консервации',
    matches: (r: DocumentRow) => r.verification_state === 'state_storage',
    other: 'не на консервации',
  },
  repair: {
    text: STATUS_LABEL_TEXTS.repair,
    color: STATUS_COLORS.status_repair,
    file: 'Этикетки_В_ремонте',
    matches: (r: DocumentRow) => r.verification_state === 'state_repair',
    other: 'не в ремонте',
  },
  forbidden: {
    text: STATUS_LABEL_TEXTS.forbidden,
    color: STATUS_COLORS.status_expired,
    file: 'Этикетки_Эксплуатация_запрещена',
    matches: (r: DocumentRow) => r.status === 'status_expired',
    other: 'не просрочены',
  },
} as const

export type { StatusLabel } from '../shared/document-kinds.ts'

export function statusLabels(rows: DocumentRow[], label: StatusLabel): LabelSheet {
  const { text, color } = STATUS_LABELS[label]
  return {
    title: text,
    cells: rows.map((r) => ({
      frame: color,
      lines: [
        { text, size: 16, bold: true, color, align: 'center' },
        { text: nameAndModel(r), size: 10, bold: true, align: 'center' },
        {
          text: `Зав. № ${r.factory_number}   Инв. № ${r.inventory_number}`,
          size: 9,
          align: 'center',
        },
        { text: `Подразделение: ${r.department_label}`, size: 9, align: 'center' },
        { text: 'Дата __________   Подпись __________', size: 9, align: 'center' },
      ],
    })),
  }
}
