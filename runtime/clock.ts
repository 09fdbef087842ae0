// "Today" in the branch's time zone (APP_TIMEZONE, config.timeZone) — the one definition for code
// that runs in JS. SQL uses current_date, which is the same day: every connection's session time
// zone is that zone (runtime/db.ts).

/** The branch's time zone when APP_TIMEZONE is not set. */
export const DEFAULT_TIME_ZONE = 'Europe/Moscow'

/**
 * The time zone this process runs the branch in (APP_TIMEZONE, validated by loadConfig at start;
 * config.timeZone holds the same value). For rules without an env at hand: zod schemas.
 */
export const processTimeZone = () => process.env.APP_TIMEZONE?.trim() || DEFAULT_TIME_ZONE

/** The date of `now` in `timeZone`, as 'YYYY-MM-DD'. */
export function today(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now)
}
