// The audit log as people read it: the action and object kind in Russian, the object named (an
// instrument by its name and numbers, a user by login), each changed field by its Russian label
// and each value as the register shows it (labels of codes, ru-RU dates, sums and numbers,
// «да»/«нет»). Field labels and kinds come from the register's workbook layout, the settings'
// labels from their registry; the screen and the XLSX export both use this.
import { AUDIT_ACTIONS, AUDIT_ENTITIES } from '../shared/audit-labels.ts'
import { formatDate, formatMoney, formatPlan } from '../shared/labels.ts'
import { LAYOUT, type Column } from '../equipment/xlsx/layout.ts'
import { SETTINGS } from '../settings/registry.ts'
import { FILE_CATEGORY_LABELS } from '../shared/file-categories.ts'

/** the daily jobs (domain/jobs/daily.ts) by name */
const JOBS: Record<string, string> = {
  backup: 'Резервная копия по расписанию',
  'recall-digest': 'Рассылка напоминаний',
  'change-events': 'Очистка журнала изменений реестра',
}
/** a job run's outcome (runtime/scheduler.ts) */
const JOB_STATUS: Record<string, string> = { ok: 'выполнено', error: 'ошибка' }

/** Fields outside the register's layout that the log records. */
const OTHER_FIELDS: Record<
  string,
  { label: string; kind?: Column['kind']; labels?: Record<string, string> }
> = {
  username: { label: 'Логин' },
  full_name: { label: 'ФИО' },
  email: { label: 'E-mail' },
  role: { label: 'Роль', kind: 'enum', labels: { admin: 'Администратор', laborant: 'Лаборант' } },
  active: { label: 'Активен' },
  password: { label: 'Пароль' },
  windows_username: { label: 'Учётная запись Windows' },
  refusal: {
    label: 'Причина отказа',
    kind: 'enum',
    labels: {
      wrong_password: 'неверный логин или пароль',
      disabled: 'учётная запись Windows отключена',
      password_expired: 'срок пароля истёк',
      must_change: 'пароль нужно сменить',
      locked: 'заблокирована доменом',
      account_expired: 'срок учётной записи истёк',
      restricted: 'вход запрещён политикой домена',
      not_in_group: 'нет в группах доступа',
      no_account: 'нет пользователя Deltica',
      inactive: 'учётная запись Deltica отключена',
      // Kerberos (domain/users/kerberos.ts)
      replay: 'билет предъявлен повторно',
      wrong_service: 'билет для другой службы',
      invalid: 'билет не прошёл проверку',
      not_a_user: 'не учётная запись пользователя',
      ambiguous: 'несколько пользователей Deltica',
    },
  },
  method: {
    label: 'Способ входа',
    kind: 'enum',
    labels: {
      password: 'пароль Deltica',
      windows: 'пароль Windows',
      kerberos: 'Windows (Kerberos)',
    },
  },
  archive_reason: { label: 'Причина списания' },
  // what a purge writes down besides the register's fields
  archived_at: { label: 'Списано' },
  files: { label: 'Файлов', kind: 'int' },
  history: { label: 'Циклов в истории', kind: 'int' },
  // files, backups, client releases, the Deltica 1.x import, daily jobs
  equipment_id: { label: 'Оборудование (ID)', kind: 'int' },
  category: { label: 'Раздел', kind: 'enum', labels: FILE_CATEGORY_LABELS },
  sha256: { label: 'Контрольная сумма', kind: 'text' },
  pinned: { label: 'На карточке' },
  file_order: { label: 'Порядок файлов' },
  created_at: { label: 'Создана' },
  mismatches: { label: 'Расхождений', kind: 'int' },
  current: { label: 'Текущая версия', kind: 'text' },
  instruments: { label: 'Приборов', kind: 'int' },
  users: { label: 'Пользователей', kind: 'int' },
  contracts: { label: 'Договоров', kind: 'int' },
  source_equipment: { label: 'Приборов в Deltica 1.x', kind: 'int' },
  duration_ms: { label: 'Длительность, мс', kind: 'int' },
  error: { label: 'Ошибка' },
  reason: { label: 'Причина' },
  executor_name: { label: 'Исполнитель' },
  contract_number: { label: 'Номер договора' },
  valid_until: { label: 'Действует до', kind: 'date' },
  contract_amount: { label: 'Сумма договора', kind: 'money' },
  spent_amount: { label: 'Израсходовано', kind: 'money' },
  original_name: { label: 'Файл' },
  file: { label: 'Файл' },
  size: { label: 'Размер, байт', kind: 'int' },
  size_bytes: { label: 'Размер, байт', kind: 'int' },
  kind: { label: 'Вид', kind: 'enum', labels: { manual: 'вручную', scheduled: 'по расписанию' } },
  code: { label: 'Код' },
  label: { label: 'Наименование' },
  sort_order: { label: 'Порядок', kind: 'int' },
  to: { label: 'Кому' },
  recipients: { label: 'Получателей', kind: 'int' },
  sent: { label: 'Отправлено', kind: 'int' },
  failed: { label: 'Не доставлено', kind: 'int' },
  // the mail server's and the organisation's details (settings objects)
  host: { label: 'Сервер', kind: 'text' },
  port: { label: 'Порт', kind: 'text' },
  security: {
    label: 'Защита соединения',
    kind: 'enum',
    labels: { none: 'нет', starttls: 'STARTTLS', tls: 'TLS' },
  },
  user: { label: 'Пользователь' },
  from: { label: 'Адрес отправителя' },
  tls_verify: { label: 'Проверять сертификат сервера' },
  customer_name: { label: 'Заказчик' },
  inn: { label: 'ИНН', kind: 'text' },
  kpp: { label: 'КПП', kind: 'text' },
  contract_date: { label: 'Дата договора' },
  contact_person: { label: 'Контактное лицо' },
  contact_phone: { label: 'Телефон', kind: 'text' },
  room: { label: 'Помещение' },
  verifier_name: { label: 'Организация-поверитель' },
  head_title: { label: 'Должность руководителя' },
  head_name: { label: 'ФИО руководителя' },
  metrologist_title: { label: 'Должность метролога' },
  metrologist_name: { label: 'ФИО метролога' },
  commission: { label: 'Члены комиссии' },
  principal: { label: 'Учётная запись Windows' },
  skipped: {
    label: 'Пропущено',
    kind: 'enum',
    labels: {
      disabled: 'рассылка выключена',
      not_configured: 'почта не настроена',
      busy: 'уже идёт',
    },
  },
}

const FIELDS = new Map<
  string,
  { label: string; kind?: Column['kind']; labels?: Record<string, string> }
>([
  ...LAYOUT.map((c) => [c.key, { label: c.header, kind: c.kind, labels: c.labels }] as const),
  ...Object.entries(SETTINGS).map(([k, d]) => [k, { label: d.label }] as const),
  ...Object.entries(OTHER_FIELDS),
])

export interface AuditRow {
  id: number
  at: Date | string
  username: string | null
  action: string
  entity: string
  entity_id: string | null
  changes: Record<string, unknown> | null
  ip: string | null
  /** the instrument's name and numbers: on record, or (`gone`) from its deletion's snapshot */
  equipment: {
    name: string
    model: string
    factory_number: string
    inventory_number: string
    gone?: boolean
  } | null
  /** a user's login when the object is a user */
  user_login: string | null
}

export interface Presented {
  action_label: string
  entity_label: string
  object: string
  /** the instrument's id when its card can be opened */
  equipment_id: number | null
  changes_list: { field: string; label: string; old: string | null; new: string }[]
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/

/** A value as people read it. */
function presentValue(
  field: string,
  value: unknown,
  departments: Record<string, string>,
  timeZone: string,
): string {
  if (value === null || value === undefined || value === '') return '—'
  if (typeof value === 'boolean') return value ? 'да' : 'нет'
  const def = FIELDS.get(field)
  const kind = def?.kind
  if (kind === 'enum' && def?.labels) return def.labels[String(value)] ?? String(value)
  if (kind === 'department' || field === 'department')
    return departments[String(value)] ?? String(value)
  if (kind === 'plan') return formatPlan(String(value))
  if (kind === 'text' && typeof value !== 'object') return String(value)
  if (kind === 'money' && value !== '') return `${formatMoney(Number(value))} ₽`
  if (typeof value === 'string' && ISO_DAY.test(value)) return formatDate(value)
  if (typeof value === 'string' && ISO_TIME.test(value))
    return new Date(value).toLocaleString('ru-RU', { timeZone })
  if (
    typeof value === 'number' ||
    (kind && ['int', 'number', 'id'].includes(kind) && value !== '' && !Number.isNaN(Number(value)))
  )
    return Number(value).toLocaleString('ru-RU', { maximumFractionDigits: 6 })
  if (Array.isArray(value))
    return value.map((v) => presentValue(field, v, departments, timeZone)).join(', ')
  if (typeof value === 'object')
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${FIELDS.get(k)?.label ?? k}: ${presentValue(k, v, departments, timeZone)}`)
      .join('; ')
  return String(value)
}

function fieldLabel(field: string): string {
  return FIELDS.get(field)?.label ?? field
}

export function presentAudit(
  row: AuditRow,
  departments: Record<string, string>,
  timeZone: string,
): Presented {
  const entity = AUDIT_ENTITIES[row.entity] ?? row.entity
  let object = row.entity_id ? `${entity} № ${row.entity_id}` : entity
  let equipmentId: number | null = null
  if (row.entity === 'equipment' && row.equipment) {
    const e = row.equipment
    object = [
      [e.name, e.model].filter(Boolean).join(' '),
      e.factory_number && `зав. № ${e.factory_number}`,
      e.inventory_number && `инв. № ${e.inventory_number}`,
    ]
      .filter(Boolean)
      .join(', ')
    equipmentId = e.gone ? null : Number(row.entity_id)
  } else if (row.entity === 'user' && row.user_login) {
    object = `Пользователь ${row.user_login}`
  } else if (row.entity === 'job' && row.entity_id) {
    object = `Задание «${JOBS[row.entity_id] ?? row.entity_id}»`
  } else if (row.entity === 'department' && row.entity_id) {
    object = `Подразделение ${departments[row.entity_id] ?? row.entity_id}`
  }
  const changes_list: Presented['changes_list'] = []
  for (const [field, v] of Object.entries(row.changes ?? {})) {
    const pair =
      v !== null && typeof v === 'object' && !Array.isArray(v) && ('old' in v || 'new' in v)
    const before = pair ? (v as { old: unknown }).old : undefined
    const after = pair ? (v as { new: unknown }).new : v
    if (row.action === 'job_run' && field === 'status') {
      changes_list.push({
        field,
        label: 'Итог задания',
        old: null,
        new: JOB_STATUS[String(after)] ?? String(after),
      })
      continue
    }
    changes_list.push({
      field,
      label: fieldLabel(field),
      old: pair ? presentValue(field, before, departments, timeZone) : null,
      new: presentValue(field, after, departments, timeZone),
    })
  }
  return {
    action_label: AUDIT_ACTIONS[row.action] ?? row.action,
    entity_label: entity,
    object,
    equipment_id: equipmentId,
    changes_list,
  }
}
