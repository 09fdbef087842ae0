// Pieces several documents share: the organisation's details, the approval block, the commission
// and signature lines — all from the `organization` setting, never hard-coded — and date helpers.
import { formatDate } from '../shared/labels.ts'
import { paragraph, type DocumentContext, type DocumentRow, type Paragraph } from './model.ts'

const BLANK = '________________'

export const orBlank = (s: string | null | undefined, blank = BLANK) => (s && s.trim() ? s : blank)

/** «УТВЕРЖДАЮ» with the head's title and name, right-aligned. */
export function approval(ctx: DocumentContext): Paragraph {
  const o = ctx.organization
  return paragraph(
    [
      'УТВЕРЖДАЮ',
      orBlank(o.head_title),
      `${BLANK} ${o.head_name}`.trim(),
      '«___» ____________ 20___ г.',
    ].join('\n'),
    { align: 'right', size: 11, spaceAfter: 14 },
  )
}

/** Customer, INN/KPP, contract, contact person — the lines that are filled in. */
export function customerDetails(ctx: DocumentContext): Paragraph[] {
  const o = ctx.organization
  const lines = [
    `Заказчик: ${orBlank(o.customer_name)}`,
    `ИНН/КПП: ${orBlank(o.inn, '__________')}/${orBlank(o.kpp, '_________')}`,
    `Договор № ${orBlank(o.contract_number, '________')} от ${o.contract_date ? formatDate(o.contract_date) : '__.__.____'}`,
    `Контактное лицо: ${orBlank(o.contact_person)}${o.contact_phone ? `, тел. ${o.contact_phone}` : ''}`,
  ]
  return lines.map((l) => paragraph(l, { size: 11, spaceAfter: 2 }))
}

export function commissionText(ctx: DocumentContext): string {
  const members = ctx.organization.commission.filter((m) => m.trim())
  if (members.length === 0) return `Комиссия в составе: ${BLANK}, ${BLANK}, ${BLANK}`
  const [chair, ...rest] = members
  return `Комиссия в составе: председатель — ${chair}${rest.length ? `; члены комиссии: ${rest.join(', ')}` : ''}`
}

/** Signature lines of the commission (three blank ones when the setting is empty). */
export function commissionSignatures(ctx: DocumentContext): Paragraph[] {
  const members = ctx.organization.commission.filter((m) => m.trim())
  const names = members.length ? members : ['', '', '']
  return [
    paragraph('Подписи членов комиссии:', { size: 11, spaceAfter: 8 }),
    ...names.map((n) => paragraph(`${BLANK} / ${n || BLANK} /`, { size: 11, spaceAfter: 10 })),
  ]
}

export function metrologistSignature(ctx: DocumentContext): Paragraph {
  const o = ctx.organization
  return paragraph(
    `${orBlank(o.metrologist_title)}    ${BLANK}    ${orBlank(o.metrologist_name)}`,
    {
      size: 11,
      spaceAfter: 6,
    },
  )
}

export const nameAndModel = (r: DocumentRow) => `${r.equipment_name} ${r.equipment_model}`.trim()

/** "поверки", "калибровки", "аттестации" */
export const verificationGenitive = (type: string) =>
  type === 'calibration' ? 'калибровки' : type === 'certification' ? 'аттестации' : 'поверки'

export function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}
