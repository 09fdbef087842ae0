// Заявка на поверку / на калибровку : the same table for the verification centre, with
// the customer's details and the metrologist's signature from the settings.
import { formatDate } from '../shared/labels.ts'
import { paragraph, type DocumentContext, type DocumentRow, type FlowDocument } from './model.ts'
import { customerDetails, metrologistSignature, nameAndModel } from './parts.ts'

export type BidKind = 'verification' | 'calibration'

const WORDS = {
  verification: { title: 'на поверку средств измерений', column: 'Вид поверки' },
  calibration: { title: 'на калибровку средств измерений', column: 'Вид калибровки' },
} as const

export const BID_COLUMNS = (kind: BidKind) => [
  { title: '№ п/п', width: 4, align: 'center' as const },
  { title: 'Наименование и тип', width: 18 },
  { title: 'Кол-во', width: 6, align: 'center' as const },
  { title: 'Кол-во каналов', width: 7, align: 'center' as const },
  { title: 'Заводской №', width: 10 },
  { title: 'Метрологические характеристики', width: 13 },
  { title: 'Год выпуска / № в Госреестре', width: 12 },
  { title: WORDS[kind].column, width: 11 },
  { title: 'Протокол', width: 8 },
  { title: 'Примечания', width: 10 },
]

export function bid(kind: BidKind, rows: DocumentRow[], ctx: DocumentContext): FlowDocument {
  const o = ctx.organization
  return {
    title: `Заявка ${WORDS[kind].title}`,
    orientation: 'landscape',
    blocks: [
      ...(o.verifier_name
        ? [paragraph(`Руководителю ${o.verifier_name}`, { align: 'right', size: 11 })]
        : []),
      paragraph('ЗАЯВКА', { align: 'center', bold: true, size: 14, spaceAfter: 2 }),
      paragraph(WORDS[kind].title, { align: 'center', bold: true, size: 12 }),
      ...customerDetails(ctx),
      paragraph(`Дата заявки: ${formatDate(ctx.today)}`, { size: 11, spaceAfter: 8 }),
      {
        type: 'table',
        columns: BID_COLUMNS(kind),
        rows: rows.map((r, i) => [
          String(i + 1),
          nameAndModel(r),
          '1',
          '',
          r.factory_number,
          r.equipment_specs ?? '',
          [r.equipment_year ?? '', r.registry_number ?? ''].filter((x) => x !== '').join(' / '),
          'периодическая',
          '',
          '',
        ]),
      },
      metrologistSignature(ctx),
    ],
  }
}
