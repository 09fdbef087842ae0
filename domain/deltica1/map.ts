// Deltica 1.x → this register, row by row: what each 1.x value becomes here, every value that
// changes on the way (and why) and every row that cannot come over. Pure: the target's state
// (departments, users, today, the expiring window) and the files found on disk come in as
// arguments; nothing is written here.
import { formatMoney, STATUSES } from '../shared/labels.ts'
import { filterCodes } from '../shared/filters.ts'
import type { Status } from '../shared/labels.ts'
import type { Report } from './report.ts'
import type { OldArchived, OldDatabase, OldInstrument, OldUser } from './source.ts'

interface Department {
  code: string
  label: string
}

export interface TargetState {
  departments: Department[]
  /** lower-case usernames and Windows names of the accounts already here */
  usernames: Set<string>
  windowsNames: Set<string>
  /** the branch's date (YYYY-MM-DD) and the «Истекает» window, for recomputing statuses */
  today: string
  expiringDays: number
}

interface NewInstrument {
  id: number
  legacyId: number
  /** 'equipment' or 'archived_equipment' (the 1.x table) and its row id */
  entity: 'equipment' | 'archived_equipment'
  sourceId: number
  equipment_name: string
  equipment_model: string
  equipment_type: string
  equipment_specs: string | null
  factory_number: string
  inventory_number: string
  equipment_year: number | null
  verification_type: string
  registry_number: string | null
  verification_interval: number
  verification_date: string
  verification_plan: string
  verification_state: string
  department: string
  responsible_person: string | null
  verifier_org: string | null
  budget_item: string
  code_rate: string | null
  cost_rate: number | null
  quantity: number
  coefficient: number
  legacy_total_cost: number | null
  invoice_number: string | null
  paid_amount: number | null
  payment_date: string | null
  archived_at: Date | null
  archive_reason: string | null
  /** the 1.x author of the archiving, matched to an account by name (null: none matched) */
  archived_by: string | null
}

interface NewUser {
  legacyId: number
  username: string
  full_name: string
  department: string | null
  role: 'admin' | 'laborant'
  active: boolean
  password_hash: string | null
  windows_username: string | null
  created_at: Date | null
  updated_at: Date | null
}

export interface MappedDatabase {
  departments: Department[]
  instruments: NewInstrument[]
  users: NewUser[]
  /** lower-case name (username or full name) → the username here, for authors of 1.x rows */
  authors: Map<string, string>
}

const USERNAME = /^[A-Za-z0-9._-]{2,64}$/
const CODE = /^[a-z][a-z0-9_]*$/
const TYPES = filterCodes('type')
const VERIFICATION_TYPES = filterCodes('verification_type')
const STATES = filterCodes('state')
const NO_REASON = 'не указана'

const TRANSLIT: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'i',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'h',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'sch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
}
const translit = (s: string) => [...s.toLowerCase()].map((c) => TRANSLIT[c] ?? c).join('')

/** A name the target accepts for a 1.x name it refuses (Latin letters, digits, . _ -). */
export function suggestUsername(name: string, taken: Set<string>): string {
  let base = translit(name.trim())
    .replace(/[^a-z0-9._-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60)
  if (base.length < 2) base = `user_${base}`.replace(/_+$/, '') || 'user'
  if (base.length < 2) base = 'user'
  let suggested = base
  for (let n = 2; taken.has(suggested.toLowerCase()); n++) suggested = `${base}${n}`
  return suggested
}

const round = (value: number, digits: number) => {
  const f = 10 ** digits
  return Math.round(value * f + Number.EPSILON * Math.sign(value)) / f
}
const rub = (value: number) => `${formatMoney(value)} ₽`
const key = (s: string) => s.trim().toLowerCase()

/** The date of a month's first day. */
const monthOf = (iso: string) => `${iso.slice(0, 8)}01`

function addMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number)
  const total = y * 12 + (m - 1) + months
  const year = Math.floor(total / 12)
  const month = (total % 12) + 1
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return new Date(Date.UTC(year, month - 1, Math.min(d, last))).toISOString().slice(0, 10)
}

/** The due date as the register computes it: date + interval months − 1 day. */
export function dueDate(date: string, months: number): string {
  const end = new Date(`${addMonths(date, months)}T00:00:00Z`)
  end.setUTCDate(end.getUTCDate() - 1)
  return end.toISOString().slice(0, 10)
}

/** The status rule of the register (the SQL function equipment_status). */
export function statusOf(state: string, due: string, today: string, window: number): Status {
  if (state === 'state_storage') return 'status_storage'
  if (state === 'state_verification') return 'status_verification'
  if (state === 'state_repair') return 'status_repair'
  if (due < today) return 'status_expired'
  const days = (Date.parse(due) - Date.parse(today)) / 86_400_000
  return days <= window ? 'status_expiring' : 'status_fit'
}

const statusLabel = (s: string | null) =>
  s && s in STATUSES ? `«${STATUSES[s as Status]}»` : `«${s ?? 'нет'}»`

/** Departments matched by code or by label; missing ones created on request, else reported. */
class Departments {
  private readonly byKey = new Map<string, string>()
  readonly created: Department[] = []
  readonly missing = new Map<string, number>()
  private readonly codes = new Set<string>()
  private readonly create: boolean

  constructor(existing: Department[], create: boolean) {
    this.create = create
    for (const d of existing) {
      this.byKey.set(key(d.code), d.code)
      this.byKey.set(key(d.label), d.code)
      this.codes.add(d.code)
    }
  }

  /** The code for a 1.x value, or null (reported as missing, or created with the flag). */
  resolve(value: string | null): string | null {
    const raw = (value ?? '').trim()
    if (!raw) return null
    const found = this.byKey.get(key(raw))
    if (found) return found
    if (!this.create) {
      this.missing.set(raw, (this.missing.get(raw) ?? 0) + 1)
      return null
    }
    let code = translit(raw)
      .replace(/[^a-z0-9_]+/g, '_')
      .replace(/^_+|_+$/g, '')
    if (!CODE.test(code)) code = `dep_${code}`.replace(/_+$/, '')
    const base = code
    for (let n = 2; this.codes.has(code); n++) code = `${base}_${n}`
    this.codes.add(code)
    this.byKey.set(key(raw), code)
    this.created.push({ code, label: raw })
    return code
  }
}

interface Context {
  createDepartments: boolean
  report: Report
  target: TargetState
  departments: Departments
}

type Change = (field: string, why: string) => void

/** Trimmed text; empty → null (or the placeholder for a required field). */
function text(value: string | null, field: string, change: Change, required = false) {
  if (value == null) return required ? placeholder(field, change) : null
  const trimmed = value.trim()
  if (trimmed !== value) change(field, 'пробелы по краям удалены')
  if (!trimmed) return required ? placeholder(field, change) : null
  return trimmed
}

function placeholder(field: string, change: Change) {
  change(field, 'пустое обязательное поле заполнено знаком «—»')
  return '—'
}

/** One instrument (active or archived) in the target's terms; null when it cannot come over. */
function mapInstrument(
  row: OldInstrument,
  ctx: Context,
  entity: 'equipment' | 'archived_equipment',
  sourceId: number,
  id: number,
): NewInstrument | null {
  const { report } = ctx
  const who = entity === 'equipment' ? `Оборудование ID ${row.id}` : `Архив ID ${row.id}`
  const change: Change = (field, why) => report.change(`${who}: ${field} — ${why}`)
  const missing = [
    !row.has_verification && 'верификация',
    !row.has_responsibility && 'ответственность',
    !row.has_finance && 'финансы',
  ].filter(Boolean)
  if (missing.length) {
    report.problem(`${who}: нет раздела (${missing.join(', ')}) — не перенесено`)
    return null
  }
  if (!TYPES.has(row.equipment_type) || !VERIFICATION_TYPES.has(row.verification_type ?? '')) {
    report.problem(`${who}: неизвестный тип (${row.equipment_type}, ${row.verification_type})`)
    return null
  }
  const interval = row.verification_interval ?? 0
  if (!Number.isInteger(interval) || interval < 1 || interval > 1200) {
    report.problem(`${who}: межповерочный интервал ${interval} вне 1…1200 мес. — не перенесено`)
    return null
  }
  if (!row.verification_date || !row.verification_plan) {
    report.problem(`${who}: нет даты верификации или плановой даты — не перенесено`)
    return null
  }

  let year = row.equipment_year
  if (year != null && (year < 1900 || year > 2200)) {
    change('год выпуска', `${year} вне 1900…2200, оставлен пустым`)
    year = null
  }

  let plan = row.verification_plan
  if (plan !== monthOf(plan)) {
    report.count('planDays')
    plan = monthOf(plan)
  }

  let state = row.verification_state ?? 'state_work'
  let archivedAt: Date | null = null
  let reason: string | null = null
  if (state === 'state_archived') {
    state = 'state_storage'
    if (entity === 'equipment') {
      report.count('archivedByState')
      report.change(`${who}: состояние «В архиве» у строки реестра — перенесено в архив`)
      archivedAt = new Date()
      reason = 'Состояние «В архиве» в Deltica 1.x'
    }
  } else if (!STATES.has(state)) {
    report.problem(`${who}: неизвестное состояние ${state} — не перенесено`)
    return null
  }

  if (entity === 'equipment' && !archivedAt) {
    const status = statusOf(
      state,
      dueDate(row.verification_date, interval),
      ctx.target.today,
      ctx.target.expiringDays,
    )
    if (status !== row.status) {
      report.statusChange(`${statusLabel(row.status)} → ${statusLabel(status)}`)
    }
  }

  const department = ctx.departments.resolve(row.department)
  if (!department) {
    if (!(row.department ?? '').trim()) report.problem(`${who}: подразделение не указано`)
    return null
  }

  let costRate = row.cost_rate
  if (costRate != null && costRate < 0) {
    change('стоимость по тарифу', `отрицательная (${costRate}), оставлена пустой`)
    costRate = null
  } else if (costRate != null && round(costRate, 2) !== costRate) {
    change('стоимость по тарифу', `${costRate} округлена до копеек`)
    costRate = round(costRate, 2)
  }
  let quantity = row.quantity ?? 1
  if (!Number.isInteger(quantity) || quantity < 1) {
    change('количество', `${row.quantity ?? 'пусто'} заменено на 1`)
    quantity = 1
  }
  let coefficient = row.coefficient ?? 1
  if (!(coefficient > 0)) {
    change('коэффициент', `${row.coefficient ?? 'пусто'} заменён на 1`)
    coefficient = 1
  } else if (round(coefficient, 4) !== coefficient) {
    change('коэффициент', `${coefficient} округлён до 4 знаков`)
    coefficient = round(coefficient, 4)
  }
  const computed = costRate == null ? null : round(costRate * quantity * coefficient, 2)
  let legacy: number | null = null
  if (row.total_cost != null) {
    const old = round(row.total_cost, 2)
    if (computed == null || Math.abs(old - computed) >= 0.005) {
      legacy = old
      const ratio =
        computed && computed !== 0 ? `, ×${(old / computed).toLocaleString('ru-RU')}` : ''
      report.count('legacyTotals')
      report.change(
        `${who}: итоговая стоимость в Deltica 1.x ${rub(old)} ≠ расчёт ${computed == null ? 'нет (нет стоимости по тарифу)' : rub(computed)}${ratio} — сохранена как «в Deltica 1.x»`,
      )
    }
  }
  let paid = row.paid_amount
  if (paid != null && paid < 0) {
    change('факт оплаты', `отрицательный (${paid}), оставлен пустым`)
    paid = null
  } else if (paid != null) paid = round(paid, 2)

  if (entity === 'archived_equipment') {
    reason = text((row as OldArchived).archive_reason, 'причина архивации', () => {})
    if (!reason) {
      reason = NO_REASON
      report.count('emptyReasons')
    }
    archivedAt = (row as OldArchived).archived_at
  }

  return {
    id,
    legacyId: row.id,
    entity,
    sourceId,
    equipment_name: text(row.equipment_name, 'наименование', change, true)!,
    equipment_model: text(row.equipment_model, 'модель', change, true)!,
    equipment_type: row.equipment_type,
    equipment_specs: text(row.equipment_specs, 'характеристики', change),
    factory_number: text(row.factory_number, 'заводской номер', change, true)!,
    inventory_number: text(row.inventory_number, 'инвентарный номер', change, true)!,
    equipment_year: year,
    verification_type: row.verification_type!,
    registry_number: text(row.registry_number, 'номер в реестре', change),
    verification_interval: interval,
    verification_date: row.verification_date,
    verification_plan: plan,
    verification_state: state,
    department,
    responsible_person: text(row.responsible_person, 'ответственный', change),
    verifier_org: text(row.verifier_org, 'организация-поверитель', change),
    budget_item: text(row.budget_item, 'статья бюджета', change, true)!,
    code_rate: text(row.code_rate, 'тариф', change),
    cost_rate: costRate,
    quantity,
    coefficient,
    legacy_total_cost: legacy,
    invoice_number: text(row.invoice_number, 'номер счёта', change),
    paid_amount: paid,
    payment_date: row.payment_date,
    archived_at: archivedAt,
    archive_reason: reason,
    archived_by: null,
  }
}

function mapUsers(old: OldUser[], ctx: Context): NewUser[] {
  const { report, target } = ctx
  const taken = new Set(target.usernames)
  const windowsTaken = new Set(target.windowsNames)
  const out: NewUser[] = []
  for (const u of old) {
    const who = `Пользователь ${u.username} (ID ${u.id})`
    let username = u.username.trim()
    if (target.usernames.has(username.toLowerCase())) {
      report.problem(`${who}: учётная запись с этим именем уже есть здесь — не изменена`)
      continue
    }
    if (taken.has(username.toLowerCase())) {
      const suggested = suggestUsername(username, taken)
      report.change(
        `${who}: имя совпадает с другим пользователем 1.x без учёта регистра — перенесён как ${suggested}`,
      )
      username = suggested
    } else if (!USERNAME.test(username)) {
      const suggested = suggestUsername(username, taken)
      report.change(
        `${who}: имя не подходит (латиница, цифры, «.», «_», «-», 2–64 символа) — перенесён как ${suggested}`,
      )
      username = suggested
    }
    taken.add(username.toLowerCase())
    const role = u.role === 'admin' ? 'admin' : 'laborant'
    let department: string | null = null
    const rawDepartment = (u.department ?? '').trim()
    if (rawDepartment) {
      // an admin needs no department: free text such as «Администрация» is dropped, not refused
      const resolved =
        role === 'admin' && !ctx.createDepartments
          ? new Departments(target.departments, false).resolve(rawDepartment)
          : ctx.departments.resolve(rawDepartment)
      department = resolved
      if (!resolved && role === 'admin') {
        report.change(
          `${who}: подразделение «${rawDepartment}» не найдено — администратор без подразделения`,
        )
      }
    }
    if (role === 'laborant' && !department) {
      if (!rawDepartment) report.problem(`${who}: лаборант без подразделения — не перенесён`)
      continue
    }
    let windows = u.windows_username?.trim() || null
    if (windows && windowsTaken.has(windows.toLowerCase())) {
      report.problem(`${who}: учётная запись Windows ${windows} уже занята здесь — не перенесена`)
      windows = null
    }
    if (windows) windowsTaken.add(windows.toLowerCase())
    const hash = u.password_hash?.trim() || null
    if (hash && !/^\$2[aby]\$\d{2}\$/.test(hash)) {
      report.problem(`${who}: пароль хранится не как bcrypt — перенесён без пароля`)
    }
    const password = hash && /^\$2[aby]\$\d{2}\$/.test(hash) ? hash : null
    if (password) report.count('bcryptUsers')
    else if (windows) report.count('windowsOnlyUsers')
    else
      report.problem(
        `${who}: ни пароля, ни учётной записи Windows — войти не сможет, пока администратор не задаст пароль`,
      )
    out.push({
      legacyId: u.id,
      username,
      full_name: u.full_name.trim(),
      department,
      role,
      active: u.is_active,
      password_hash: password,
      windows_username: windows,
      created_at: u.created_at,
      updated_at: u.updated_at,
    })
  }
  return out
}

/** The whole 1.x database in the target's terms; the report gets every change and problem. */
export function mapDatabase(
  old: OldDatabase,
  target: TargetState,
  opts: { createDepartments: boolean },
  report: Report,
): MappedDatabase {
  const departments = new Departments(target.departments, opts.createDepartments)
  const ctx: Context = { report, target, departments, createDepartments: opts.createDepartments }

  for (const d of old.extraSections) {
    report.problem(
      `Оборудование ID ${d.equipment_id}: в таблице ${d.table} ${d.rows} строк(и) — перенесена первая`,
    )
  }
  const users = mapUsers(old.users, ctx)
  // authors of 1.x rows (archived_by, uploaded_by) are names: matched by username, then full name
  const authors = new Map<string, string>()
  for (const u of users) authors.set(key(u.full_name), u.username)
  for (const name of target.usernames) authors.set(name, name)
  for (const u of old.users) {
    const mapped = users.find((n) => n.legacyId === u.id)
    if (mapped) authors.set(key(u.username), mapped.username)
  }
  for (const u of users) authors.set(key(u.username), u.username)

  const instruments: NewInstrument[] = []
  const activeIds = new Set<number>()
  const numbers = new Map<string, number>()
  for (const row of old.instruments) {
    const mapped = mapInstrument(row, ctx, 'equipment', row.id, row.id)
    if (!mapped) continue
    instruments.push(mapped)
    activeIds.add(mapped.id)
    if (!mapped.archived_at) {
      numbers.set(`f:${key(mapped.factory_number)}`, mapped.id)
      numbers.set(`i:${key(mapped.inventory_number)}`, mapped.id)
    }
  }

  let nextId = 0
  for (const r of [...old.instruments, ...old.archived]) nextId = Math.max(nextId, r.id)
  const sourceIds = new Set(old.instruments.map((r) => r.id))
  const usedIds = new Set(activeIds)
  for (const row of old.archived) {
    let id = row.id
    if (usedIds.has(id) || sourceIds.has(id)) {
      id = ++nextId
      report.change(
        `Архив ID ${row.id} (запись архива ${row.archive_id}): исходный ID уже занят — получил ID ${id}`,
      )
      report.count('archiveNewIds')
    }
    const mapped = mapInstrument(row, ctx, 'archived_equipment', row.archive_id, id)
    if (!mapped) continue
    usedIds.add(id)
    if (row.archived_by?.trim()) {
      mapped.archived_by = authors.get(key(row.archived_by)) ?? null
      if (!mapped.archived_by) {
        report.change(
          `Архив ID ${row.id}: автор архивации «${row.archived_by.trim()}» не найден среди пользователей`,
        )
      }
    }
    const same =
      numbers.get(`f:${key(mapped.factory_number)}`) ??
      numbers.get(`i:${key(mapped.inventory_number)}`)
    if (same != null) {
      report.flag(
        `Архив ID ${row.id}: заводской или инвентарный номер совпадает с действующим оборудованием ID ${same}`,
      )
    }
    instruments.push(mapped)
  }

  // repeats among the register's own numbers: reported, kept (they occur in real registers)
  for (const field of ['factory_number', 'inventory_number'] as const) {
    const seen = new Map<string, number[]>()
    for (const i of instruments) {
      if (i.archived_at) continue
      const k = key(i[field])
      if (k === '—' || k === '-') continue
      seen.set(k, [...(seen.get(k) ?? []), i.id])
    }
    for (const [value, ids] of seen) {
      if (ids.length > 1) {
        report.flag(
          `${field === 'factory_number' ? 'Заводской' : 'Инвентарный'} номер «${value}» повторяется: ID ${ids.join(', ')}`,
        )
      }
    }
  }

  for (const [name, n] of departments.missing) {
    report.block(
      `Подразделение «${name}» (${n} ${n === 1 ? 'запись' : 'записей'}) нет в справочнике: создайте его (код или название как в Deltica 1.x) или запустите с --create-departments`,
    )
  }
  for (const d of departments.created) {
    report.change(`Подразделение «${d.label}» будет создано с кодом ${d.code}`)
  }
  return { departments: departments.created, instruments, users, authors }
}
