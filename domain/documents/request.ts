// Предписание : hand the selected instruments over for verification by today + 7 days,
// with columns for the hand-over signatures.
import { formatDate } from '../shared/labels.ts'
import { paragraph, type DocumentContext, type DocumentRow, type FlowDocument } from './model.ts'
import { addDays, customerAndDate, metrologistSignature, orBlank } from './parts.ts'
import { labelOf } from '../shared/fields.ts'
import { DOCUMENT_KIND_INFO } from '../shared/document-kinds.ts'

const REQUEST_DAYS = 7

const REQUEST_COLUMNS = [
  { title: '№ п/п', width: 5, align: 'center' as const },
  { title: labelOf('equipment_name'), width: 18 },
  { title: 'Модель', width: 12 },
  { title: labelOf('factory_number'), width: 12 },
  { title: labelOf('department'), width: 17 },
  { title: 'Сдал (ФИО, подпись)', width: 18 },
  { title: 'Принял (ФИО, подпись)', width: 18 },
]

export function request(rows: DocumentRow[], ctx: DocumentContext): FlowDocument {
  const due = formatDate(addDays(ctx.today, REQUEST_DAYS))
  return {
    title: DOCUMENT_KIND_INFO.request.title,
    orientation: 'portrait',
    blocks: [
      paragraph('ПРЕДПИСАНИЕ', { align: 'center', bold: true, size: 14, spaceAfter: 2 }),
      paragraph('о представлении средств измерений на поверку (калибровку, аттестацию)', {
        align: 'center',
        bold: true,
        size: 12,
      }),
      customerAndDate(ctx, formatDate(ctx.today)),
      paragraph(
        `Ответственным лицам подразделений в срок до ${due} сдать перечисленные средства измерений в помещение № ${orBlank(ctx.organization.room, '_____')} для отправки на поверку (калибровку, аттестацию).`,
        { size: 11, spaceAfter: 8 },
      ),
      {
        type: 'table',
        columns: REQUEST_COLUMNS,
        minRowHeight: 22,
        rows: rows.map((r, i) => [
          String(i + 1),
          r.equipment_name,
          r.equipment_model,
          r.factory_number,
          r.department_label,
          '',
          '',
        ]),
      },
      metrologistSignature(ctx),
    ],
  }
}
