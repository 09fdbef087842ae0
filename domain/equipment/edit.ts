// The one path of a write to an active instrument: lock it (404 outside the user's scope), check
// the version the client sent (the stale 409), change it, and read the full record with its
// warnings back inside the same transaction, so the answer is what was committed. And the one
// purge of an instrument, active or archived.
import type { Sql, TransactionSql } from '../../runtime/db.ts'
import type { AuthedEnv, User } from '../../runtime/endpoint.ts'
import { notFound } from '../../runtime/errors.ts'
import { removeEquipmentFiles } from './files.ts'
import { recordAudit } from '../audit/record.ts'
import { deletedBy } from '../live/events.ts'
import {
  checkEquipmentVersion,
  findEquipment,
  fullRecord,
  lockInstrument,
  type EquipmentRow,
} from './record.ts'
import { deletedFields, equipmentWarnings, insertEquipment } from './write.ts'
import type { EquipmentInput } from './fields.ts'

type Writer = Pick<AuthedEnv, 'sql' | 'user' | 'ip'>

/** The full record as the API answers a write: with its non-blocking warnings. */
async function recordWithWarnings(sql: Sql | TransactionSql, user: User, id: number) {
  const record = await fullRecord(sql, user, id)
  return { ...record, warnings: await equipmentWarnings(sql, record) }
}

/** Creates an instrument (all sections) → its record with warnings. */
export function createInstrument(env: Writer, input: EquipmentInput) {
  return env.sql.begin(async (tx) => {
    const id = await insertEquipment(tx, env, input)
    return recordWithWarnings(tx, env.user, id)
  })
}

/** Locks, checks `version`, applies `change` → the record with warnings, all in one transaction. */
export function editInstrument(
  env: Writer,
  id: number,
  version: number,
  change: (tx: TransactionSql, before: EquipmentRow) => Promise<unknown>,
) {
  return env.sql.begin(async (tx) => {
    const before = await findEquipment(tx, env.user, id, { lock: true })
    if (!before) throw notFound('Оборудование не найдено')
    await checkEquipmentVersion(tx, env.user, before, version)
    await change(tx, before)
    return recordWithWarnings(tx, env.user, id)
  })
}

/**
 * THE purge of an instrument, from the register (DELETE /api/equipment/:id: an active instrument
 * in the user's scope) or from the archive (DELETE /api/archive/:id: an archived one): lock it;
 * delete its rows (sections, history and file rows cascade) and audit them in one transaction;
 * then, once committed, remove its files on disk. The audit says where it was deleted from:
 * `equipment_delete` keeps every field old → none, `purge` what identified the archived
 * instrument and how many files and history rows went with it.
 */
export async function purgeInstrument(
  env: Writer & Pick<AuthedEnv, 'files'>,
  id: number,
  from: 'register' | 'archive',
) {
  const archived = from === 'archive'
  await env.sql.begin(async (tx) => {
    const lock = await lockInstrument(tx, id)
    if (!lock || lock.archived !== archived) {
      throw notFound(archived ? 'Оборудование в архиве не найдено' : 'Оборудование не найдено')
    }
    let changes: Record<string, unknown> | null
    if (archived) {
      ;[changes] = await tx<Record<string, unknown>[]>`
        select e.equipment_name, e.equipment_model, e.factory_number, e.inventory_number,
               e.department, e.archive_reason, e.archived_at,
               (select count(*)::int from equipment_file f where f.equipment_id = e.id) as files,
               (select count(*)::int from verification_history h where h.equipment_id = e.id) as history
        from equipment_full e
        where e.id = ${id}`
    } else {
      const before = await findEquipment(tx, env.user, id)
      if (!before) throw notFound('Оборудование не найдено')
      changes = deletedFields(before)
    }
    await deletedBy(tx, env.user.id)
    await tx`delete from equipment where id = ${id}`
    await recordAudit(tx, env, {
      action: archived ? 'purge' : 'equipment_delete',
      entity: 'equipment',
      entityId: id,
      changes: changes ?? null,
    })
  })
  await removeEquipmentFiles(env.files, id)
}
