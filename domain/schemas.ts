// zod building blocks shared by function files: ids, dates, lists in query strings, paging.
import { z } from 'zod'
import { passwordProblem } from '../runtime/password-policy.ts'

export const Id = z.coerce
  .number({ message: 'Неверный идентификатор' })
  .int('Неверный идентификатор')
  .positive('Неверный идентификатор')
  .max(Number.MAX_SAFE_INTEGER, 'Неверный идентификатор')

export const IdParams = z.object({ id: Id })

/** The version of an editable record the client last saw; a stale one gets the 409. */
export const Version = z
  .number({ message: 'Укажите версию записи (version)' })
  .int('Неверная версия')
  .positive('Неверная версия')

/** 'YYYY-MM-DD' that is a real calendar date. */
export const DateString = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Дата в формате ГГГГ-ММ-ДД')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`)
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
  }, 'Несуществующая дата')

/** A query value that may come as a=x&a=y or a=x,y; empty items dropped. */
export function queryList<T extends z.ZodType>(item: T) {
  return z.preprocess((v) => {
    if (v === undefined || v === '') return undefined
    const values = Array.isArray(v) ? v : [v]
    return values
      .flatMap((x) => String(x).split(','))
      .map((x) => x.trim())
      .filter(Boolean)
  }, z.array(item).max(100).optional())
}

/** A single query value (a repeated key is refused rather than silently picking one). */
export const queryText = (max = 200) =>
  z.string({ message: 'Ожидается одно значение' }).max(max).optional()

export const Paging = {
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
}

/** A new password: the policy of runtime/password-policy.ts (the username is checked on write). */
export const Password = z.string().superRefine((password, ctx) => {
  const problem = passwordProblem(password)
  if (problem) ctx.addIssue({ code: 'custom', message: problem })
})

export { Role } from './shared/views.ts'
export const Username = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9._-]{2,64}$/,
    'Логин: 2–64 латинских буквы, цифры, точка, дефис, подчёркивание',
  )

// Response building blocks: what the routes answer (checked under tests, described in OpenAPI);
// they live with the client's types in domain/shared/views.ts.
export {
  AnalyticsView,
  AuditView,
  BackupView,
  ContractView,
  DepartmentStatsView,
  DepartmentView,
  DigestView,
  DirectoryCheckView,
  DirectoryLookupView,
  DocumentCheckView,
  EquipmentRecordView,
  EquipmentSavedView,
  FileView,
  HealthView,
  ImportReportView,
  Items,
  LogLineView,
  Ok,
  PageOf,
  RowView,
  SessionUserView,
  SessionView,
  SettingsView,
  SummaryView,
  SystemView,
  TestEmailView,
  Timestamp,
  UserView,
  WindowsSignInView,
} from './shared/views.ts'
