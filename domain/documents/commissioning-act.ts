// Акт ввода в эксплуатацию : №, Наименование, Тип (модель), Заводской №, Инвентарный №,
// filled from the selection; with no selection a blank form with empty rows to write in.
import { formatDate } from '../shared/labels.ts'
import { paragraph, type DocumentContext, type DocumentRow, type FlowDocument } from './model.ts'
import { approval, commissionSignatures, commissionText, customerAndDate } from './parts.ts'
import { labelOf } from '../shared/fields.ts'
import { DOCUMENT_KIND_INFO } from '../shared/document-kinds.ts'

const BLANK_ROWS = 10

const COMMISSIONING_COLUMNS = [
  { title: '№', width: 6, align: 'center' as const },
  { title: labelOf('equipment_name'), width: 34 },
  { title: 'Тип (модель)', width: 22 },
  { title: labelOf('factory_number'), width: 19 },
  { title: labelOf('inventory_number'), width: 19 },
]

export function commissioningAct(rows: DocumentRow[], ctx: DocumentContext): FlowDocument {
  const body = rows.length
    ? rows.map((r, i) => [
        String(i + 1),
        r.equipment_name,
        r.equipment_model,
        r.factory_number,
        r.inventory_number,
      ])
    : Array.from({ length: BLANK_ROWS }, (_, i) => [String(i + 1), '', '', '', ''])
  return {
    title: DOCUMENT_KIND_INFO['commissioning-act'].title,
    orientation: 'portrait',
    blocks: [
      approval(ctx),
      paragraph('АКТ № ______', { align: 'center', bold: true, size: 14, spaceAfter: 2 }),
      paragraph('ввода в эксплуатацию средств измерений (оборудования)', {
        align: 'center',
        bold: true,
        size: 12,
      }),
      customerAndDate(ctx, rows.length ? formatDate(ctx.today) : '«___» ____________ 20___ г.'),
      paragraph(
        commissionText(ctx, 'нижеперечисленное оборудование проверено и введено в эксплуатацию:'),
        { size: 11, spaceAfter: 6 },
      ),
      {
        type: 'table',
        columns: COMMISSIONING_COLUMNS,
        size: 10,
        minRowHeight: rows.length ? 0 : 18,
        rows: body,
      },
      ...commissionSignatures(ctx),
    ],
  }
}
