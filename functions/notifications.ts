// Recall notifications: the in-app list and the admin's e-mail actions. The list and
// the daily digest (domain/notifications/digest.ts, run by the scheduler) share one query.
//   GET  /api/notifications              {items, total} due or expired instruments in work, scoped
//   POST /api/notifications/run          admin: send the digest now (what is due and not yet sent)
//   POST /api/notifications/test-email   admin: {to?} a test e-mail (default: the admin's address)
import { z } from 'zod'
import { endpoint } from '../runtime/endpoint.ts'
import { conflict, HttpError } from '../runtime/errors.ts'
import { createMailer, smtpConfigured, smtpErrorText } from '../runtime/mailer.ts'
import { recordAudit } from '../domain/audit/record.ts'
import { dueItems, runRecallDigest, stageLabel } from '../domain/notifications/digest.ts'
import { settingsOf } from '../domain/settings/registry.ts'
import { Email } from '../domain/users/accounts.ts'

const api = endpoint(import.meta.url)

const TestEmail = z.object({ to: Email.optional() }).strict()

api.get('/', { auth: 'user', summary: 'Напоминания о сроках поверки' }, async (_req, env) => {
  const { notify_offsets } = await settingsOf(env)
  const items = await dueItems(env.sql, notify_offsets, env.user)
  return {
    items: items.map((i) => ({ ...i, stage_label: stageLabel(i.stage) })),
    total: items.length,
  }
})

api.post('/run', { auth: 'admin', summary: 'Разослать напоминания сейчас' }, async (_req, env) => {
  // one attempt per address here: a failed address stays unsent and the daily run retries it
  const report = await runRecallDigest(env, { retryDelaysMs: [] })
  await recordAudit(env.sql, env, {
    action: 'notify_run',
    entity: 'notification',
    changes: {
      skipped: report.skipped ?? null,
      recipients: report.recipients,
      sent: report.sent,
      failed: report.failed.length,
    },
  })
  return report
})

api.post(
  '/test-email',
  { auth: 'admin', summary: 'Отправить тестовое письмо', body: TestEmail },
  async (_req, env, { body }) => {
    const settings = await settingsOf(env)
    if (!smtpConfigured(settings.smtp)) {
      throw conflict('Почтовый сервер не настроен: укажите адрес сервера и отправителя')
    }
    let to = body.to ?? null
    if (!to) {
      const [me] = await env.sql<{ email: string | null }[]>`
        select email from users where id = ${env.user.id}`
      to = me?.email ?? null
    }
    if (!to) throw conflict('Укажите адрес получателя или свой e-mail в профиле')
    const mailer = createMailer(settings.smtp, settings.smtp_password)
    try {
      await mailer.send({
        to,
        subject: 'Deltica: тестовое письмо',
        text: 'Это тестовое письмо системы Deltica. Настройки почтового сервера работают.',
        html: '<p>Это тестовое письмо системы Deltica. Настройки почтового сервера работают.</p>',
      })
    } catch (error) {
      env.log.warn('test e-mail failed', { to, error: smtpErrorText(error) })
      throw new HttpError(502, `Не удалось отправить письмо: ${smtpErrorText(error)}`)
    } finally {
      mailer.close()
    }
    await recordAudit(env.sql, env, {
      action: 'notify_test',
      entity: 'notification',
      changes: { to },
    })
    return { sent: true, to }
  },
)

export default api
