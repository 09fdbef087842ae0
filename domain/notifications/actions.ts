// The admin's e-mail actions: the digest sent now (one attempt per address; a failed one stays
// unsent and the daily run retries it) and a test e-mail (to the given address or the admin's
// own), each audited. A test that the SMTP server refuses is a 502 with its answer.
import type { AuthedEnv } from '../../runtime/endpoint.ts'
import { conflict, HttpError } from '../../runtime/errors.ts'
import { createMailer, smtpConfigured, smtpErrorText } from '../../runtime/mailer.ts'
import { recordAudit } from '../audit/record.ts'
import { settingsOf } from '../settings/registry.ts'
import { runRecallDigest } from './digest.ts'

export async function runDigestNow(env: AuthedEnv) {
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
}

/** Test e-mails per admin per minute: the action opens connections to any host and port. */
const TEST_EMAILS_PER_MINUTE = 5

/**
 * A failed test answers no sooner than the mailer's connection timeout: a refused port (fast)
 * and a filtered one (the timeout) then look alike, and the action is no port scanner.
 */
export const testEmailTiming = { failureFloorMs: 15_000 }

export async function sendTestEmail(env: AuthedEnv, requested: string | null | undefined) {
  await env.rateLimit(`test-email:${env.user.id}`, TEST_EMAILS_PER_MINUTE, 60_000)
  const started = performance.now()
  const settings = await settingsOf(env)
  if (!smtpConfigured(settings.smtp)) {
    throw conflict('Почтовый сервер не настроен: укажите адрес сервера и отправителя')
  }
  let to = requested ?? null
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
    const wait = testEmailTiming.failureFloorMs - (performance.now() - started)
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
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
}
