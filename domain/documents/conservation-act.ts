// Акт консервации : a numbered list «name, зав. № …, инв. № …», the commission and its
// signature blanks, approved by the head named in the settings.
import { formatDate } from '../shared/labels.ts'
import { paragraph, type DocumentContext, type DocumentRow, type FlowDocument } from './model.ts'
import { approval, commissionSignatures, commissionText, nameAndModel, orBlank } from './parts.ts'

export function conservationAct(rows: DocumentRow[], ctx: DocumentContext): FlowDocument {
  return {
    title: 'Акт консервации',
    orientation: 'portrait',
    blocks: [
      approval(ctx),
      paragraph('АКТ № ______', { align: 'center', bold: true, size: 14, spaceAfter: 2 }),
      paragraph('о консервации оборудования', { align: 'center', bold: true, size: 12 }),
      paragraph(`${orBlank(ctx.organization.customer_name)}\nДата: ${formatDate(ctx.today)}`, {
        size: 11,
        spaceAfter: 8,
      }),
      paragraph(
        `${commissionText(ctx)} составила настоящий акт о том, что следующее оборудование выведено из эксплуатации и переведено на консервацию:`,
        { size: 11, spaceAfter: 6 },
      ),
      ...rows.map((r, i) =>
        paragraph(
          `${i + 1}. ${nameAndModel(r)}, зав. № ${r.factory_number}, инв. № ${r.inventory_number}`,
          {
            size: 11,
            spaceAfter: 2,
          },
        ),
      ),
      paragraph(`Место хранения: ${orBlank(ctx.organization.room)}`, { size: 11, spaceAfter: 14 }),
      ...commissionSignatures(ctx),
    ],
  }
}
