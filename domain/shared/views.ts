// What the routes answer, as zod schemas (checked under tests, described in OpenAPI) and as the
// types the client reads (`import type` through @shared: no zod code reaches its bundle).
import { z } from 'zod'
import type { FieldValues } from './fields.ts'

export const Role = z.enum(['admin', 'laborant'])

/** A timestamp as JSON carries it (ISO 8601). */
export const Timestamp = z.string()
/** `{ok: true}`: an action with nothing else to say. */
export const Ok = z.object({ ok: z.literal(true) })
/** `{items}`: a whole list. */
export const Items = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) })
/** `{items, total}`: one page of a list and the count of all matching rows. */
export const PageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int().min(0) })

export const SessionUserView = z.object({
  id: z.number().int(),
  username: z.string(),
  full_name: z.string(),
  department: z.string().nullable(),
  role: Role,
})

export const UserView = SessionUserView.extend({
  email: z.string().nullable(),
  active: z.boolean(),
  failed_logins: z.number().int(),
  locked_until: Timestamp.nullable(),
  windows_username: z.string().nullable(),
  sign_in_method: z.enum(['password', 'windows', 'both']),
  version: z.number().int(),
})

export const DepartmentView = z.object({
  code: z.string(),
  label: z.string(),
  sort_order: z.number().int(),
  version: z.number().int(),
})

/** A row of a table whose columns the client reads by name: the id is typed, the rest pass. */
export const RowView = z.looseObject({ id: z.number().int() })

/** The full record of one instrument (active or archived): its columns, history and files. */
export const EquipmentRecordView = z.looseObject({
  id: z.number().int(),
  version: z.number().int(),
  equipment_name: z.string(),
  department: z.string(),
  history: z.array(z.looseObject({})),
  files: z.array(RowView),
})

/** An instrument file (or a branch document) as listed. */
export const FileView = z.looseObject({
  id: z.number().int(),
  original_name: z.string(),
  size: z.number().int(),
  uploaded_at: Timestamp.optional(),
})

/** A count per key (status, state, type, window). */
export const Tally = z.record(z.string(), z.number())

/** GET /api/stats/summary: the header's counts. */
export const SummaryView = z.object({
  total: z.number().int(),
  by_status: Tally,
  by_state: Tally,
  due_in: Tally,
  archived: z.number().int(),
})

export const ContractView = z.looseObject({
  id: z.number().int(),
  executor_name: z.string(),
  contract_number: z.string(),
  contract_amount: z.number(),
  spent_amount: z.number(),
  balance: z.number(),
  valid_until: z.string().nullable(),
  version: z.number().int(),
})

export const AuditView = z.looseObject({
  id: z.number().int(),
  at: Timestamp,
  user_id: z.number().int().nullable(),
  username: z.string().nullable(),
  action: z.string(),
  entity: z.string(),
  entity_id: z.string().nullable(),
  action_label: z.string(),
  entity_label: z.string(),
  object: z.string(),
  equipment_id: z.number().int().nullable(),
  changes_list: z.array(
    z.object({ field: z.string(), label: z.string(), old: z.string().nullable(), new: z.string() }),
  ),
})

export const BackupView = z.looseObject({
  id: z.number().int(),
  started_at: Timestamp,
  kind: z.string(),
  status: z.string(),
  file_name: z.string().nullable(),
  finished_at: Timestamp.nullable(),
  error: z.string().nullable(),
})

export type SessionUser = z.infer<typeof SessionUserView>
export type UserRow = z.infer<typeof UserView>
export type EquipmentRecord = z.infer<typeof EquipmentRecordView>
export type StoredFileRow = z.infer<typeof FileView>
export type Summary = z.infer<typeof SummaryView>
export type Page<T> = { items: T[]; total: number }
/** A row of the register's list: the id and version, then the field table's columns. */
export type EquipmentItem = { id: number; version: number } & FieldValues
export type ContractRow = z.infer<typeof ContractView>
export type AuditEntry = z.infer<typeof AuditView>
export type BackupRow = z.infer<typeof BackupView>
