// The server's 400 names the fields at fault ({error, fields: [{field, message}]}, see
// runtime/errors.ts): each issue goes to the field a form shows (matched by the last segment of
// its path, so "filter.status.0" and "status" both work); issues of fields the form does not show
// are kept as text with the field's Russian label, so none is lost.
import { ApiError } from './api.ts'
import { FIELD_BY_KEY } from './fields.ts'

export function fieldErrors(
  error: unknown,
  shown: Iterable<string>,
): { byField: Record<string, string>; rest: string } {
  const keys = new Set(shown)
  const byField: Record<string, string> = {}
  const rest: string[] = []
  if (error instanceof ApiError) {
    for (const issue of error.fields) {
      const path = issue.field.split('.').filter((p) => !/^\d+$/.test(p))
      const key = path.at(-1) ?? issue.field
      if (keys.has(key)) byField[key] ??= issue.message
      else rest.push(`«${FIELD_BY_KEY.get(key)?.label ?? issue.field}»: ${issue.message}`)
    }
  }
  return { byField, rest: rest.join('; ') }
}

/** the message for the form's top: the server's words and what no field shows */
export function generalMessage(error: unknown, rest: string): string {
  const message = (error as Error).message
  return rest ? `${message}: ${rest}` : message
}
