// Dates typed into the app's own date field (components/DateField.svelte): дд.мм.гггг (also
// д.м.гггг, ддммгггг or гггг-мм-дд), whatever the browser's locale. A text that is no date
// (31.02.2026) marks its input with data-problem; the form says so at that field instead of
// sending it. The month field (components/MonthField.svelte) marks a text that is no month the same way.
import { parseDate, ParseError } from './fields.ts'

export const NO_SUCH_DATE = 'Такой даты нет'

/** the typed text → 'YYYY-MM-DD'; throws ParseError */
export function parseDateText(text: string): string {
  const t = text.trim()
  const digits = /^(\d{2})(\d{2})(\d{4})$/.exec(t)
  return parseDate(digits ? `${digits[1]}.${digits[2]}.${digits[3]}` : t)
}

/** '' when the text is empty or a date; else the Russian message */
export function dateTextProblem(text: string): string {
  if (!text.trim()) return ''
  try {
    parseDateText(text)
    return ''
  } catch (e) {
    return e instanceof ParseError ? e.message : NO_SUCH_DATE
  }
}

/** the date and month fields in `form` holding no date: their names and messages */
export function impossibleDates(
  form: HTMLElement | undefined | null,
): { name: string; message: string }[] {
  if (!form) return []
  return [...form.querySelectorAll<HTMLInputElement>('input[data-problem]')]
    .filter((input) => input.dataset.problem)
    .map((input) => ({ name: input.name, message: input.dataset.problem || NO_SUCH_DATE }))
}
