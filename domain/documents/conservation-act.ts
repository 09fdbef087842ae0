// Акт консервации : a table of the instruments on conservation (№, наименование, тип, зав. №,
// инв. №, подразделение, дата консервации), the commission and its signature blanks, approved
// by the head named in the settings.
import { formatDate } from '../shared/labels.ts'
import { paragraph, type DocumentContext, type DocumentRow, type FlowDocument } from './model.ts'
import {
  approval,
  commissionSignatures,
  commissionText,
  customerAndDate,
  orBlank,
} from './parts.ts'
import { labelOf } from '../shared/fields.ts'
import { DOCUMENT_KIND_INFO } from '../shared/document-kinds.ts'

const CONSERVATION_COLUMNS = [
  { title: '№', width: 4, align: 'center' as const },
  { title: labelOf('equipment_name'), width: 22 },
  { title: 'Тип', width: 14 },
  { title: 'Зав. №', width: 12 },
  { title: 'Инв. №', width: 12 },
  { title: labelOf('department'), width: 14 },
  { title: 'Дата консервации', width: 11, align: 'center' as const },
]

export function conservationAct(rows: DocumentRow[], ctx: DocumentContext): FlowDocument {
  return {
    title: DOCUMENT_KIND_INFO['conservation-act'].title,
    orientation: 'portrait',
    blocks: [
      approval(ctx),
      paragraph('АКТ № ______', { align: 'center', bold: true, size: 14, spaceAfter: 2 }),
      paragraph('о консервации оборудования', { align: 'center', bold: true, size: 12 }),
      customerAndDate(ctx, formatDate(ctx.today)),
      paragraph(
        commissionText(
          ctx,
          'следующее оборудование выведено из эксплуатации и переведено на консервацию:',
        ),
        { size: 11, spaceAfter: 6 },
      ),
      {
        type: 'table',
        columns: CONSERVATION_COLUMNS,
        size: 9,
        rows: rows.map((r, i) => [
          String(i + 1),
          r.equipment_name,
          r.equipment_model,
          r.factory_number,
          r.inventory_number,
          r.department_label,
          formatDate(r.state_since),
        ]),
      },
      paragraph(`Место хранения: ${orBlank(ctx.organization.room)}`, { size: 11, spaceAfter: 14 }),
      ...commissionSignatures(ctx),
    ],
  }
}
