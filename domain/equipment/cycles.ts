// Guards on the verification cycle: no verification date later than today plus the allowed days
// ahead (setting verification_future_days), and the admin's undo of the last recorded cycle —
// the previous cycle comes back from the history, audited.
import type { TransactionSql } from '../../runtime/db.ts'
import type { Env } from '../../runtime/endpoint.ts'
import { badRequest, conflict } from '../../runtime/errors.ts'
import { formatDate } from '../shared/labels.ts'
import type { EquipmentRow } from './record.ts'
import { finishCycleChange } from './write.ts'

/** 'YYYY-MM-DD' + n days */
function addDays(iso: string, n: number): string {
  const d = new Date(`${iso}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + n)
  return d.toISOString().slice(0, 10)
}

/** The Russian refusal for a verification date beyond today + `daysAhead`, or null when it is allowed. */
export function futureDateMessage(
  date: string | null | undefined,
  today: string,
  daysAhead: number,
): string | null {
  if (!date) return null
  const latest = addDays(today, daysAhead)
  if (date <= latest) return null
  return daysAhead === 0
    ? `Дата верификации ${formatDate(date)} ещё не наступила: будущие даты не принимаются`
    : `Дата верификации ${formatDate(date)} позже ${formatDate(latest)}: допускается не более ${daysAhead} дн. вперёд`
}

/** 400 when a verification date lies beyond today + `daysAhead` (the branch's today). */
export function assertNotFuture(
  date: string | null | undefined,
  today: string,
  daysAhead: number,
  field = 'verification_date',
): void {
  const message = futureDateMessage(date, today, daysAhead)
  if (message) throw badRequest(message, { fields: [{ field, message }] })
}

/**
 * Undoes the last recorded cycle: the newest history row becomes the current cycle again (with
 * its verifier) and leaves the history; the state of the instrument stays. 409 when there is no
 * earlier cycle.
 */
export async function undoLastCycle(
  tx: TransactionSql,
  env: Pick<Env, 'user' | 'ip'>,
  before: EquipmentRow,
): Promise<EquipmentRow> {
  const id = before.id
  const [last] = await tx`
    select * from verification_history
    where equipment_id = ${id}
    order by id desc
    limit 1`
  if (!last) throw conflict('Предыдущего цикла нет в истории — отменять нечего')
  await tx`
    update verification
    set verification_type = ${last.verification_type},
      registry_number = ${last.registry_number},
      verification_interval = ${last.verification_interval},
      verification_date = ${last.verification_date},
      verification_result = ${last.verification_result},
      certificate_number = ${last.certificate_number},
      verification_cost = ${last.verification_cost},
      verification_plan = coalesce(
        ${last.verification_plan}::date,
        date_trunc('month', verification_due(${last.verification_date}::date, ${last.verification_interval}::integer))::date
      )
    where equipment_id = ${id}`
  await tx`update responsibility set verifier_org = ${last.verifier_org} where equipment_id = ${id}`
  await tx`delete from verification_history where id = ${last.id}`
  return finishCycleChange(tx, env, before, 'verification_undo')
}
