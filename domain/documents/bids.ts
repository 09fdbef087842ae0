// Заявка на поверку / на калибровку : the same table for the verification centre, with the
// customer's details and the metrologist's signature from the settings. Each bid holds only the
// instruments of its verification type (kinds.ts leaves the others out and names them);
// «Кол-во каналов» and «Протокол» — columns filled by hand — appear only when the setting
// bid_extra_columns asks for them.
import { formatDate } from '../shared/labels.ts'
import { paragraph, type DocumentContext, type DocumentRow, type FlowDocument } from './model.ts'
import { customerDetails, metrologistSignature, nameAndModel } from './parts.ts'
import { labelOf } from '../shared/fields.ts'

export type BidKind = 'verification' | 'calibration'

export const BID_WORDS = {
  verification: {
    title: 'на поверку средств измерений',
    column: 'Вид поверки',
    other: 'не поверка',
  },
  calibration: {
    title: 'на калибровку средств измерений',
    column: 'Вид калибровки',
    other: 'не калибровка',
  },
} as const

interface BidColumn {
  title: string
  width: number
  align?: 'center'
  /** printed only with the setting bid_extra_columns */
  extra?: boolean
  cell: (r: DocumentRow, i: number) => string
}

const ALL_BID_COLUMNS = (kind: BidKind): BidColumn[] => [
  { title: '№ п/п', width: 4, align: 'center', cell: (_r, i) => String(i + 1) },
  { title: 'Наименование и тип', width: 18, cell: nameAndModel },
  { title: labelOf('quantity'), width: 5, align: 'center', cell: () => '1' },
  { title: 'Кол-во каналов', width: 6, align: 'center', extra: true, cell: () => '' },
  { title: labelOf('factory_number'), width: 10, cell: (r) => r.factory_number },
  { title: 'Инв. №', width: 9, cell: (r) => r.inventory_number },
  { title: labelOf('equipment_specs'), width: 13, cell: (r) => r.equipment_specs ?? '' },
  {
    title: 'Год выпуска / № в Госреестре',
    width: 12,
    cell: (r) =>
      [r.equipment_year ?? '', r.registry_number ?? ''].filter((x) => x !== '').join(' / '),
  },
  { title: BID_WORDS[kind].column, width: 11, cell: () => 'периодическая' },
  { title: 'Протокол', width: 8, extra: true, cell: () => '' },
  { title: 'Примечания', width: 10, cell: () => '' },
]

/** The bid's columns: the extra ones only when the setting asks for them. */
export const bidColumns = (kind: BidKind, extra: boolean) =>
  ALL_BID_COLUMNS(kind).filter((c) => extra || !c.extra)

export function bid(kind: BidKind, rows: DocumentRow[], ctx: DocumentContext): FlowDocument {
  const o = ctx.organization
  const columns = bidColumns(kind, ctx.bidExtraColumns)
  return {
    title: `Заявка ${BID_WORDS[kind].title}`,
    orientation: 'landscape',
    blocks: [
      ...(o.verifier_name
        ? [paragraph(`Руководителю ${o.verifier_name}`, { align: 'right', size: 11 })]
        : []),
      paragraph('ЗАЯВКА', { align: 'center', bold: true, size: 14, spaceAfter: 2 }),
      paragraph(BID_WORDS[kind].title, { align: 'center', bold: true, size: 12 }),
      ...customerDetails(ctx),
      paragraph(`Дата заявки: ${formatDate(ctx.today)}`, { size: 11, spaceAfter: 8 }),
      {
        type: 'table',
        columns: columns.map(({ title, width, align }) => ({ title, width, align })),
        rows: rows.map((r, i) => columns.map((c) => c.cell(r, i))),
      },
      metrologistSignature(ctx),
    ],
  }
}
