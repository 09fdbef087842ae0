// The archive («Списание», docs/domain.md): an archived instrument stays in the register's tables
// with archived_at/archive_reason/archived_by set, so its id, sections, verification history,
// finance and files are untouched by archive and restore. Every write locks the instrument
// (lockInstrument), is one transaction and is audited. The archive's list is the register's list
// with `{ archived: true }` (listInstruments, query.ts).
import type { TransactionSql } from '../../runtime/db.ts'
import type { AuthedEnv } from '../../runtime/endpoint.ts'
import { conflict, notFound } from '../../runtime/errors.ts'
import { diffFields, recordAudit } from '../audit/record.ts'
import { staleRecord } from '../stale.ts'
import { archivedRecord, fullRecord, lockInstrument } from './record.ts'

type Writer = Pick<AuthedEnv, 'sql' | 'user' | 'ip'>

/** Locks an instrument; 404 when missing, 409 when not where the action expects it. */
async function lockFor(tx: TransactionSql, id: number, archived: boolean) {
  const row = await lockInstrument(tx, id)
  if (!row)
    throw notFound(archived ? 'Оборудование в архиве не найдено' : 'Оборудование не найдено')
  if (row.archived !== archived) {
    if (archived) throw notFound('Оборудование в архиве не найдено')
    throw conflict('Оборудование уже в архиве')
  }
  return row
}

/** Moves an active instrument to the archive with its reason → the archived record. */
export function archiveInstrument(env: Writer, id: number, reason: string) {
  return env.sql.begin(async (tx) => {
    await lockFor(tx, id, false)
    await tx`
      update equipment
      set archived_at = now(), archive_reason = ${reason}, archived_by = ${env.user.id},
          version = version + 1, updated_at = now(), updated_by = ${env.user.id}
      where id = ${id}`
    await recordAudit(tx, env, {
      action: 'archive',
      entity: 'equipment',
      entityId: id,
      changes: { archive_reason: { old: null, new: reason } },
    })
    return archivedRecord(tx, env.user, id)
  })
}

/** A new reason for an archived instrument, with the version check → the record. */
export function updateArchiveReason(env: Writer, id: number, reason: string, version: number) {
  return env.sql.begin(async (tx) => {
    const before = await lockFor(tx, id, true)
    if (before.version !== version) {
      throw await staleRecord(tx, before, await archivedRecord(tx, env.user, id))
    }
    await tx`
      update equipment
      set archive_reason = ${reason}, version = version + 1, updated_at = now(),
          updated_by = ${env.user.id}
      where id = ${id}`
    const changes = diffFields(
      { archive_reason: before.archive_reason },
      { archive_reason: reason },
    )
    if (Object.keys(changes).length > 0) {
      await recordAudit(tx, env, {
        action: 'archive_update',
        entity: 'equipment',
        entityId: id,
        changes,
      })
    }
    return archivedRecord(tx, env.user, id)
  })
}

/** Back to the register with the same id → its record as the register shows it. */
export function restoreInstrument(env: Writer, id: number) {
  return env.sql.begin(async (tx) => {
    const before = await lockFor(tx, id, true)
    await tx`
      update equipment
      set archived_at = null, archive_reason = null, archived_by = null,
          version = version + 1, updated_at = now(), updated_by = ${env.user.id}
      where id = ${id}`
    await recordAudit(tx, env, {
      action: 'restore',
      entity: 'equipment',
      entityId: id,
      changes: { archive_reason: { old: before.archive_reason, new: null } },
    })
    return fullRecord(tx, env.user, id)
  })
}
