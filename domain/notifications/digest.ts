// Recall notifications. One query finds the instruments in work whose due date has
// reached a reminder stage (settings.notify_offsets days before it, negative after, and -1 for
// "expired"); the in-app list (GET /api/notifications) and the daily e-mail digest both use it.
// The digest goes to each department's laborants, to the account whose full name matches an
// instrument's responsible person, and to every admin, one e-mail per address; each
// (instrument, due date, stage, address) is recorded once sent, so a restart or a second run
// never repeats it, and a failed send is retried (within the run, then at the next run).
import type { Config } from '../../runtime/config.ts'
import type { Sql } from '../../runtime/db.ts'
import type { User } from '../../runtime/endpoint.ts'
import { BUSY, LOCKS, tryLock } from '../../runtime/locks.ts'
import type { Logger } from '../../runtime/log.ts'
import {
  createMailer,
  smtpConfigured,
  smtpErrorText,
  type Mailer,
  type MailMessage,
} from '../../runtime/mailer.ts'
import { labelOf } from '../shared/fields.ts'
import { formatDate, STATUSES, type Status } from '../shared/labels.ts'
import { departmentScope } from '../scope.ts'
import { loadSettings } from '../settings/registry.ts'

/** The stage of an instrument past its due date, whatever the configured offsets. */
const EXPIRED_STAGE = -1

export interface DueItem {
  id: number
  equipment_name: string
  equipment_model: string
  factory_number: string
  inventory_number: string
  department: string
  department_label: string
  responsible_person: string | null
  verification_due: string
  status: Status
  days_left: number
  stage: number
}

/** Stage thresholds: the configured offsets plus "expired". */
const stagesOf = (offsets: number[]) =>
  [...new Set([...offsets, EXPIRED_STAGE])].sort((a, b) => b - a)

/** Russian label of a stage. */
export function stageLabel(stage: number): string {
  if (stage === EXPIRED_STAGE) return 'Срок истёк'
  if (stage === 0) return 'Срок истекает сегодня'
  if (stage > 0) return `До окончания срока не более ${stage} дн.`
  return `Просрочено на ${-stage} дн. и более`
}

/**
 * THE due query: active instruments in work with a reached stage (the most urgent threshold
 * the days left have passed), optionally scoped to a user's department. Served by the
 * (verification_state, verification_due) index.
 */
export async function dueItems(sql: Sql, offsets: number[], user?: User): Promise<DueItem[]> {
  const stages = stagesOf(offsets)
  const horizon = Math.max(...stages)
  return sql<DueItem[]>`
    select e.id, e.equipment_name, e.equipment_model, e.factory_number, e.inventory_number,
           e.department, d.label as department_label, e.responsible_person, e.verification_due,
           e.status, e.verification_due - current_date as days_left, s.stage
    from equipment_active e
    join departments d on d.code = e.department
    cross join lateral (
      select min(k)::int as stage
      from unnest(${sql.array(stages)}::int[]) as k
      where e.verification_due - current_date <= k
    ) s
    where e.verification_state = 'state_work'
      and e.verification_due <= current_date + ${horizon}::int
      and ${user ? departmentScope(sql, user, 'e') : sql`true`}
    order by e.verification_due, e.id`
}

interface Recipient {
  email: string
  full_name: string
  role: 'admin' | 'laborant'
  department: string | null
}

const normName = (s: string | null | undefined) =>
  (s ?? '').trim().replace(/\s+/g, ' ').toLowerCase()

/** Who gets which instruments: laborants their department, responsible persons theirs, admins all. */
function digestRecipients(items: DueItem[], users: Recipient[]) {
  const byEmail = new Map<string, { name: string; items: Map<number, DueItem> }>()
  for (const u of users) {
    const email = u.email.trim().toLowerCase()
    const entry = byEmail.get(email) ?? { name: u.full_name, items: new Map() }
    byEmail.set(email, entry)
    for (const item of items) {
      const mine =
        u.role === 'admin' ||
        (u.role === 'laborant' && u.department === item.department) ||
        (normName(u.full_name) !== '' &&
          normName(u.full_name) === normName(item.responsible_person))
      if (mine) entry.items.set(item.id, item)
    }
  }
  return [...byEmail.entries()]
    .map(([email, e]) => ({ email, name: e.name, items: [...e.items.values()] }))
    .filter((r) => r.items.length > 0)
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  )

const DIGEST_FIELDS = [
  'equipment_name',
  'equipment_model',
  'factory_number',
  'inventory_number',
  'department',
  'responsible_person',
  'verification_due',
  'status',
] as const

/** The Russian digest: instruments grouped by stage, most urgent first; no links anywhere. */
function composeDigest(to: string, name: string, items: DueItem[]): MailMessage {
  const groups = new Map<number, DueItem[]>()
  for (const item of [...items].sort((a, b) => a.stage - b.stage || a.days_left - b.days_left)) {
    groups.set(item.stage, [...(groups.get(item.stage) ?? []), item])
  }
  const columns = ['ID', ...DIGEST_FIELDS.map(labelOf)]
  const cells = (i: DueItem) => [
    String(i.id),
    i.equipment_name,
    i.equipment_model,
    i.factory_number,
    i.inventory_number,
    i.department_label,
    i.responsible_person ?? '',
    formatDate(i.verification_due),
    STATUSES[i.status] ?? i.status,
  ]
  const expired = items.filter((i) => i.days_left < 0).length
  const subject =
    `Deltica: напоминание о поверке — ${items.length} ед. оборудования` +
    (expired ? `, просрочено: ${expired}` : '')
  const greeting = name ? `${name}, добрый день.` : 'Добрый день.'
  const intro = 'Оборудование, по которому подходит или истёк срок поверки/калибровки/аттестации:'
  const text = [
    greeting,
    '',
    intro,
    ...[...groups.entries()].flatMap(([stage, list]) => [
      '',
      `${stageLabel(stage)} (${list.length}):`,
      ...list.map((i, n) => {
        const c = cells(i)
        return `${n + 1}. ${c[1]} ${c[2]}, зав. № ${c[3]}, инв. № ${c[4]}, ${c[5]}, ${c[6] || '—'}, действует до ${c[7]} — ${c[8]} (ID ${c[0]})`
      }),
    ]),
    '',
    'Письмо сформировано системой Deltica автоматически, отвечать на него не нужно.',
  ].join('\n')
  const th = columns.map((c) => `<th style="border:1px solid #ccc;padding:4px">${c}</th>`).join('')
  const html = [
    `<p>${escapeHtml(greeting)}</p><p>${escapeHtml(intro)}</p>`,
    ...[...groups.entries()].map(
      ([stage, list]) =>
        `<h3>${escapeHtml(stageLabel(stage))} (${list.length})</h3>` +
        `<table style="border-collapse:collapse"><tr>${th}</tr>` +
        list
          .map(
            (i) =>
              '<tr>' +
              cells(i)
                .map((c) => `<td style="border:1px solid #ccc;padding:4px">${escapeHtml(c)}</td>`)
                .join('') +
              '</tr>',
          )
          .join('') +
        '</table>',
    ),
    '<p>Письмо сформировано системой Deltica автоматически, отвечать на него не нужно.</p>',
  ].join('\n')
  return { to, subject, text, html }
}

export interface DigestContext {
  sql: Sql
  config?: Config
  log: Logger
  services?: Record<string, unknown>
}

export interface DigestOptions {
  /** waits between attempts of one e-mail (default 30 s, 2 min); [] = one attempt */
  retryDelaysMs?: number[]
  /** a mailer to use instead of SMTP from the settings (tests) */
  mailer?: Mailer
}

export interface DigestReport {
  skipped?: 'disabled' | 'not_configured' | 'busy'
  recipients: number
  sent: number
  failed: { email: string; error: string }[]
  items: number
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** One digest run: what is due and not yet sent, one e-mail per address, each recorded once sent. */
export async function runRecallDigest(
  ctx: DigestContext,
  opts: DigestOptions = {},
): Promise<DigestReport> {
  const report: DigestReport = { recipients: 0, sent: 0, failed: [], items: 0 }
  const settings = await loadSettings(ctx.sql)
  if (!settings.notify_enabled) return { ...report, skipped: 'disabled' }
  if (!opts.mailer && !smtpConfigured(settings.smtp)) {
    ctx.log.warn('recall digest: SMTP is not configured, nothing sent')
    return { ...report, skipped: 'not_configured' }
  }
  const result = await tryLock(ctx.sql, LOCKS.recallDigest, () =>
    digestLocked(ctx, settings.notify_offsets, opts, report, () =>
      createMailer(settings.smtp, settings.smtp_password),
    ),
  )
  return result === BUSY ? { ...report, skipped: 'busy' } : result
}

async function digestLocked(
  ctx: DigestContext,
  offsets: number[],
  opts: DigestOptions,
  report: DigestReport,
  smtpMailer: () => Mailer,
): Promise<DigestReport> {
  const { sql, log } = ctx
  const items = await dueItems(sql, offsets)
  if (items.length === 0) return report
  const users = await sql<Recipient[]>`
    select email, full_name, role, department
    from users
    where active and email is not null
    order by id`
  const sent = await sql<
    { equipment_id: number; verification_due: string; stage: number; recipient: string }[]
  >`
    select equipment_id, verification_due, stage, recipient
    from notification_sent
    where equipment_id in ${sql(items.map((i) => i.id))}`
  const done = new Set(
    sent.map((s) => `${s.equipment_id}|${s.verification_due}|${s.stage}|${s.recipient}`),
  )
  const plan = digestRecipients(items, users)
    .map((r) => ({
      ...r,
      items: r.items.filter(
        (i) => !done.has(`${i.id}|${i.verification_due}|${i.stage}|${r.email}`),
      ),
    }))
    .filter((r) => r.items.length > 0)
  report.recipients = plan.length
  report.items = new Set(plan.flatMap((r) => r.items.map((i) => i.id))).size
  if (plan.length === 0) return report

  const delays = opts.retryDelaysMs ?? [30_000, 120_000]
  const mailer = opts.mailer ?? smtpMailer()
  try {
    for (const r of plan) {
      const message = composeDigest(r.email, r.name, r.items)
      let lastError: unknown = null
      for (let attempt = 0; attempt <= delays.length; attempt++) {
        if (attempt > 0) await sleep(delays[attempt - 1])
        try {
          await mailer.send(message)
          lastError = null
          break
        } catch (error) {
          lastError = error
          log.warn('recall digest: send failed', {
            to: r.email,
            attempt: attempt + 1,
            error: smtpErrorText(error),
          })
        }
      }
      if (lastError) {
        report.failed.push({ email: r.email, error: smtpErrorText(lastError) })
        log.error('recall digest: giving up until the next run', { to: r.email })
        continue
      }
      const rows = r.items.map((i) => ({
        equipment_id: i.id,
        verification_due: i.verification_due,
        stage: i.stage,
        recipient: r.email,
      }))
      await sql`
        insert into notification_sent ${sql(rows, 'equipment_id', 'verification_due', 'stage', 'recipient')}
        on conflict do nothing`
      report.sent++
    }
  } finally {
    mailer.close()
  }
  log.info('recall digest sent', {
    recipients: report.recipients,
    sent: report.sent,
    failed: report.failed.length,
    items: report.items,
  })
  return report
}
