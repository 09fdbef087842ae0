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
const Tally = z.record(z.string(), z.number())

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

const Count = z.number().int()
/** a department's figure (its code, its label) */
const PerDepartment = <T extends z.ZodRawShape>(shape: T) =>
  z.object({ department: z.string(), label: z.string(), ...shape })

/** GET /api/stats/department: a department's verifications in a period, and its instruments now. */
export const DepartmentStatsView = z.looseObject({
  from: z.string(),
  to: z.string(),
  department: z.string().nullable(),
  verified: Count,
  by_type: Tally,
  fit: Count,
  unfit: Count,
  in_storage: Count,
  unfit_notices: Count,
  unfit_notice_items: z.array(
    z.looseObject({
      id: z.number().int(),
      equipment_name: z.string(),
      factory_number: z.string().nullable(),
      archived_on: z.string().nullable(),
      archive_reason: z.string().nullable(),
    }),
  ),
  instruments: z.object({
    verified: Count,
    by_type: Tally,
    fit_now: Count,
    storage_now: Count,
  }),
})

/** GET /api/stats/analytics: the year by type, plan calendar, costs, budget, overdue, due soon. */
export const AnalyticsView = z.object({
  year: z.number().int(),
  by_verification_type: Tally,
  instruments_by_verification_type: Tally,
  calendar: z.array(PerDepartment({ months: z.array(Count), total: Count })),
  planned_cost: z.object({
    by_month: z.array(z.number()),
    by_department: z.array(PerDepartment({ amount: z.number(), count: Count })),
    total: z.number(),
  }),
  budget_next_year: z.object({
    year: z.number().int(),
    total: z.number(),
    verifications: Count,
    by_month: z.array(z.number()),
    by_department: z.array(PerDepartment({ verifications: Count, amount: z.number() })),
  }),
  overdue: z.object({
    by_department: z.array(PerDepartment({ count: Count })),
    by_responsible: z.array(
      z.object({
        department: z.string(),
        responsible_person: z.string().nullable(),
        count: Count,
      }),
    ),
  }),
  due_in: Tally,
})

/** POST /api/directory/check: whether the Windows domain answers with these settings, and why not. */
export const DirectoryCheckView = z.object({
  ok: z.boolean(),
  message: z.string(),
  causes: z.array(z.string()),
})

/** POST /api/directory/lookup: a domain user, his groups and what they give in Deltica. */
export const DirectoryLookupView = DirectoryCheckView.extend({
  user: z
    .object({
      dn: z.string(),
      user: z.string(),
      upn: z.string(),
      display_name: z.string(),
      disabled: z.boolean(),
      groups: z.array(z.string()),
      role: Role.nullable(),
      department: z.string().nullable(),
      account: z.object({ id: z.number().int(), username: z.string() }).nullable(),
    })
    .nullable()
    .optional(),
})

/** POST /api/auth/login, /password, /negotiate: the token and who it signs in. */
export const SessionView = z.object({ token: z.string(), user: SessionUserView })

/** GET /api/auth/negotiate: whether Windows sign-in (Kerberos) is available here, and why not. */
export const WindowsSignInView = z.object({
  available: z.boolean(),
  message: z.string().nullable(),
})

/** GET/PUT /api/settings: the values (finance ones for admins only) and their labels. */
export const SettingsView = z.object({
  version: z.number().int(),
  values: z.record(z.string(), z.unknown()),
  labels: z.record(z.string(), z.string()),
})

/** GET /api/health: the server is up, and the database? */
export const HealthView = z.object({ status: z.string(), db: z.string(), version: z.string() })

const Bytes = z.number().nullable()

/** GET /api/health/system: the monitor's figures. */
export const SystemView = z.looseObject({
  status: z.string(),
  version: z.string(),
  db: z.object({
    status: z.string(),
    latency_ms: z.number().nullable(),
    size_bytes: Bytes,
    connections: z.number().nullable().optional(),
  }),
  disk: z.looseObject({ free_bytes: Bytes, total_bytes: Bytes }).optional(),
  cpu: z.looseObject({ percent: z.number(), cores: z.number() }).optional(),
  memory: z
    .looseObject({
      rss_bytes: Bytes.optional(),
      system_free_bytes: Bytes.optional(),
      system_total_bytes: Bytes.optional(),
    })
    .optional(),
  uptime_s: z.number(),
  last_backup: z
    .looseObject({
      status: z.string(),
      started_at: Timestamp,
      finished_at: Timestamp.nullable(),
      size_bytes: Bytes.optional(),
    })
    .nullable()
    .optional(),
  last_backup_age_s: z.number().nullable().optional(),
})

/** GET /api/health/logs: one line of the server's log (JSON; what it holds varies). */
export const LogLineView = z.looseObject({
  time: z.string().optional(),
  level: z.string().optional(),
  msg: z.string().optional(),
  method: z.string().optional(),
  path: z.string().optional(),
  status: z.number().optional(),
  ms: z.number().optional(),
})

/** POST /api/notifications/run: the reminders sent now (or why none were). */
export const DigestView = z.object({
  skipped: z.enum(['disabled', 'not_configured', 'busy']).optional(),
  recipients: z.number().int(),
  sent: z.number().int(),
  failed: z.array(z.object({ email: z.string(), error: z.string() })),
  items: z.number().int(),
})

/** POST /api/notifications/test-email: where the test letter went. */
export const TestEmailView = z.object({ sent: z.literal(true), to: z.string() })

/** A saved instrument (created, edited, a cycle recorded): the record and the server's warnings. */
export const EquipmentSavedView = EquipmentRecordView.extend({
  warnings: z.array(z.object({ field: z.string(), message: z.string() })),
})

const RowIssue = z.object({ row: z.number().int(), column: z.string(), message: z.string() })
/** POST /api/equipment/import: what the workbook would change (or changed), row by row. */
export const ImportReportView = z.looseObject({
  dry_run: z.boolean(),
  rows: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  already_present: z.number().int(),
  errors: z.array(RowIssue),
  warnings: z.array(RowIssue),
})

/** POST /api/documents/:kind/check: what a document of the selection would hold. */
export const DocumentCheckView = z.object({
  selected: z.number().int(),
  included: z.number().int(),
  excluded: z.number().int(),
  excluded_message: z.string().nullable(),
  excluded_items: z.array(
    z.object({ id: z.number().int(), name: z.string(), factory_number: z.string().nullable() }),
  ),
  requisites_missing: z.array(z.string()),
  year: z.number().int().nullable().optional(),
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
export type DepartmentRow = z.infer<typeof DepartmentView>
export type SessionAnswer = z.infer<typeof SessionView>
export type WindowsSignIn = z.infer<typeof WindowsSignInView>
export type SettingsAnswer = z.infer<typeof SettingsView>
export type Health = z.infer<typeof HealthView>
export type SystemInfoView = z.infer<typeof SystemView>
export type LogLine = z.infer<typeof LogLineView>
export type EquipmentSaved = z.infer<typeof EquipmentSavedView>
export type ImportReport = z.infer<typeof ImportReportView>
export type ImportIssue = z.infer<typeof RowIssue>
export type DocumentCheck = z.infer<typeof DocumentCheckView>
export type Digest = z.infer<typeof DigestView>
export type DirectoryCheck = z.infer<typeof DirectoryCheckView>
export type DirectoryLookup = z.infer<typeof DirectoryLookupView>
export type DepartmentStats = z.infer<typeof DepartmentStatsView>
export type Analytics = z.infer<typeof AnalyticsView>
export type TestEmail = z.infer<typeof TestEmailView>
