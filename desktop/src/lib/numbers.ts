// Numbers typed the Russian way whatever the browser's locale: a decimal comma or point, spaces
// between thousands («13 022,48»). The form's inputs are text (a number input follows the
// browser's locale and turned «1,2» into 12).
import { formatMoney } from '@shared/labels.ts'

/** «13 022,48», «1,2», «1.2», 5 → the number; anything else is returned as typed (the server says why) */
export function numberFromText(v: unknown): unknown {
  if (typeof v === 'number') return v
  const t = String(v)
    .replace(/[\s\u00a0\u202f₽]/g, '')
    .replace(',', '.')
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : v
}

/** a stored number as the edit field shows it: money «13 022,48», other decimals «1,2» */
export function editText(v: unknown, money: boolean): string {
  if (v === null || v === undefined || v === '') return ''
  const n = typeof v === 'number' ? v : Number(v)
  if (!Number.isFinite(n)) return String(v)
  return money ? formatMoney(n) : String(n).replace('.', ',')
}
