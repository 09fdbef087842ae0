// A date typed into <input type=date> that is no calendar day (31.02.2026) leaves the value
// empty and sets validity.badInput: the form says «Такой даты нет» at that field instead of
// sending an empty date (which the server would call missing).

export const NO_SUCH_DATE = 'Такой даты нет'

/** names of the date and month inputs in `form` holding a date that does not exist */
export function impossibleDates(form: HTMLElement | undefined | null): string[] {
  if (!form) return []
  return [...form.querySelectorAll<HTMLInputElement>('input[type=date], input[type=month]')]
    .filter((input) => input.validity.badInput)
    .map((input) => input.name)
}

/** onblur of a date input: the message for its field, or '' */
export const dateProblem = (input: HTMLInputElement) =>
  input.validity.badInput ? NO_SUCH_DATE : ''
