// График поверки : the year's department × month counts of planned verifications
// (verification_plan) with totals, then the list of those instruments by plan month. The schedule
// holds exactly the instruments planned in its year (kinds.ts leaves the others out).
import {
  formatDate,
  formatPlan,
  VERIFICATION_TYPES,
  type VerificationType,
} from '../shared/labels.ts'
import { paragraph, type DocumentContext, type DocumentRow, type FlowDocument } from './model.ts'
import { approval, metrologistSignature } from './parts.ts'
import { labelOf } from '../shared/fields.ts'

const MONTHS_SHORT = [
  'Янв',
  'Фев',
  'Мар',
  'Апр',
  'Май',
  'Июн',
  'Июл',
  'Авг',
  'Сен',
  'Окт',
  'Ноя',
  'Дек',
]

const SCHEDULE_LIST_COLUMNS = [
  { title: '№ п/п', width: 5, align: 'center' as const },
  { title: labelOf('equipment_name'), width: 18 },
  { title: 'Модель', width: 14 },
  { title: labelOf('factory_number'), width: 11 },
  { title: labelOf('inventory_number'), width: 11 },
  { title: labelOf('department'), width: 13 },
  { title: 'Вид', width: 10 },
  { title: labelOf('verification_due'), width: 9, align: 'center' as const },
  { title: labelOf('verification_plan'), width: 10 },
]

/** An instrument belongs to the schedule of the year its verification is planned in. */
export const plannedIn = (r: DocumentRow, year: number) =>
  Number(r.verification_plan.slice(0, 4)) === year

export function schedule(rows: DocumentRow[], ctx: DocumentContext): FlowDocument {
  const sorted = [...rows].sort(
    (a, b) =>
      a.verification_plan.localeCompare(b.verification_plan) ||
      a.department_order - b.department_order ||
      a.equipment_name.localeCompare(b.equipment_name, 'ru') ||
      a.id - b.id,
  )
  const departments = new Map<string, { label: string; order: number; months: number[] }>()
  for (const r of sorted) {
    const d = departments.get(r.department) ?? {
      label: r.department_label,
      order: r.department_order,
      months: Array(12).fill(0),
    }
    d.months[Number(r.verification_plan.slice(5, 7)) - 1]++
    departments.set(r.department, d)
  }
  const matrix = [...departments.values()].sort(
    (a, b) => a.order - b.order || a.label.localeCompare(b.label, 'ru'),
  )
  const totals = Array.from({ length: 12 }, (_, m) => matrix.reduce((s, d) => s + d.months[m], 0))
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
  const cell = (n: number) => (n ? String(n) : '')
  return {
    title: `График поверки на ${ctx.year} год`,
    orientation: 'landscape',
    blocks: [
      approval(ctx),
      paragraph('ГРАФИК', { align: 'center', bold: true, size: 14, spaceAfter: 2 }),
      paragraph(`поверки (калибровки, аттестации) средств измерений на ${ctx.year} год`, {
        align: 'center',
        bold: true,
        size: 12,
      }),
      ...(ctx.organization.customer_name.trim()
        ? [paragraph(ctx.organization.customer_name, { size: 11, spaceAfter: 8 })]
        : []),
      {
        type: 'table',
        size: 9,
        columns: [
          { title: labelOf('department'), width: 16 },
          ...MONTHS_SHORT.map((m) => ({ title: m, width: 5, align: 'center' as const })),
          { title: 'Итого', width: 6, align: 'center' as const },
        ],
        rows: [
          ...matrix.map((d) => [d.label, ...d.months.map(cell), String(sum(d.months))]),
          ['Итого', ...totals.map(cell), String(sum(totals))],
        ],
      },
      paragraph('Перечень средств измерений', { bold: true, size: 12, spaceAfter: 6 }),
      {
        type: 'table',
        size: 9,
        columns: SCHEDULE_LIST_COLUMNS,
        rows: sorted.map((r, i) => [
          String(i + 1),
          r.equipment_name,
          r.equipment_model,
          r.factory_number,
          r.inventory_number,
          r.department_label,
          VERIFICATION_TYPES[r.verification_type as VerificationType] ?? r.verification_type,
          formatDate(r.verification_due),
          formatPlan(r.verification_plan),
        ]),
      },
      metrologistSignature(ctx),
    ],
  }
}
