// The one path of a write to an active instrument: lock it (404 outside the user's scope), check
// the version the client sent (the stale 409), change it, and read the full record with its
// warnings back inside the same transaction, so the answer is what was committed.
import type { Sql, TransactionSql } from '../../runtime/db.ts'
import type { AuthedEnv, User } from '../../runtime/endpoint.ts'
import { notFound } from '../../runtime/errors.ts'
import { removeEquipmentFiles } from './files.ts'
import { checkEquipmentVersion, findEquipment, fullRecord, type EquipmentRow } from './record.ts'
import { deleteEquipmentRows, equipmentWarnings, insertEquipment } from './write.ts'
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

/** Deletes an active instrument: its rows (audited), then, once committed, its files on disk. */
export async function deleteInstrument(env: Writer & Pick<AuthedEnv, 'files'>, id: number) {
  await env.sql.begin(async (tx) => {
    const before = await findEquipment(tx, env.user, id, { lock: true })
    if (!before) throw notFound('Оборудование не найдено')
    await deleteEquipmentRows(tx, env, before)
  })
  await removeEquipmentFiles(env.files, id)
}
