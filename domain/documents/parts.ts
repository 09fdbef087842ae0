// Pieces several documents share: the organisation's details, the approval block, the commission
// and signature lines — all from the `organization` setting, never hard-coded — and date helpers.
// A requisite not filled in leaves its line out (no stray underscores); only the places meant for
// a hand — signatures, the act's number and date, an empty commission — stay as blanks.
import { formatDate } from '../shared/labels.ts'
import type { Settings } from '../settings/registry.ts'
import { paragraph, type DocumentContext, type DocumentRow, type Paragraph } from './model.ts'

type Organization = Settings['organization']
export type Requisite = keyof Organization

/** How the warning «Реквизиты не заполнены: …» names each requisite. */
export const REQUISITE_LABELS: Record<Requisite, string> = {
  customer_name: 'заказчик',
  inn: 'ИНН',
  kpp: 'КПП',
  contract_number: 'номер договора',
  contract_date: 'дата договора',
  contact_person: 'контактное лицо',
  contact_phone: 'телефон',
  room: 'номер помещения',
  verifier_name: 'организация-поверитель',
  head_title: 'должность утверждающего',
  head_name: 'утверждающий руководитель',
  metrologist_title: 'должность метролога',
  metrologist_name: 'метролог',
  commission: 'состав комиссии',
}

const filled = (v: Organization[Requisite]) =>
  Array.isArray(v) ? v.some((m) => m.trim()) : v.trim() !== ''

/** The requisites of `wanted` that are empty in the settings, in the order given. */
export const missingRequisites = (o: Organization, wanted: readonly Requisite[]): Requisite[] =>
  wanted.filter((k) => !filled(o[k]))

const BLANK = '________________'

export const orBlank = (s: string | null | undefined, blank = BLANK) => (s && s.trim() ? s : blank)

/** «УТВЕРЖДАЮ» with the head's title and name, right-aligned. */
export function approval(ctx: DocumentContext): Paragraph {
  const o = ctx.organization
  return paragraph(
    [
      'УТВЕРЖДАЮ',
      ...(o.head_title.trim() ? [o.head_title] : []),
      `${BLANK} / ${o.head_name.trim() || BLANK} /`,
      '«___» ____________ 20___ г.',
    ].join('\n'),
    { align: 'right', size: 11, spaceAfter: 14 },
  )
}

/** Customer, INN/KPP, contract, contact person — the lines that are filled in. */
export function customerDetails(ctx: DocumentContext): Paragraph[] {
  const o = ctx.organization
  const join = (...parts: string[]) => parts.filter(Boolean).join(', ')
  const innKpp = join(o.inn && `ИНН ${o.inn}`, o.kpp && `КПП ${o.kpp}`)
  const contract = [
    o.contract_number && `№ ${o.contract_number}`,
    o.contract_date && `от ${formatDate(o.contract_date)}`,
  ]
    .filter(Boolean)
    .join(' ')
  const contact = join(o.contact_person, o.contact_phone && `тел. ${o.contact_phone}`)
  const lines = [
    o.customer_name && `Заказчик: ${o.customer_name}`,
    innKpp,
    contract && `Договор ${contract}`,
    contact && `Контактное лицо: ${contact}`,
  ]
  return lines.filter(Boolean).map((l) => paragraph(l, { size: 11, spaceAfter: 2 }))
}

/** The customer's name (when filled) over the document's date. */
export const customerAndDate = (ctx: DocumentContext, date: string): Paragraph =>
  paragraph([ctx.organization.customer_name.trim(), `Дата: ${date}`].filter(Boolean).join('\n'), {
    size: 11,
    spaceAfter: 8,
  })

/** «Комиссия в составе: …, составила настоящий акт о том, что <what>» */
export function commissionText(ctx: DocumentContext, what: string): string {
  const members = ctx.organization.commission.filter((m) => m.trim())
  const [chair, ...rest] = members
  const who = members.length
    ? `председатель — ${chair}${rest.length ? `; члены комиссии: ${rest.join(', ')}` : ''}`
    : `${BLANK}, ${BLANK}, ${BLANK}`
  return `Комиссия в составе: ${who}, составила настоящий акт о том, что ${what}`
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
    `${o.metrologist_title.trim() || 'Метролог'}    ${BLANK}    ${o.metrologist_name}`.trim(),
    { size: 11, spaceAfter: 6 },
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
