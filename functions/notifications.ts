// Recall notifications: the in-app list and the admin's e-mail actions. The list and the daily
// digest share one query (domain/notifications/digest.ts); the actions are
// domain/notifications/actions.ts.
//   GET  /api/notifications              {items, total} due or expired instruments in work, scoped
//   POST /api/notifications/run          admin: send the digest now (what is due and not yet sent)
//   POST /api/notifications/test-email   admin: {to?} a test e-mail (default: the admin's address)
import { z } from 'zod'
import { runDigestNow, sendTestEmail } from '../domain/notifications/actions.ts'
import { dueItems, stageLabel } from '../domain/notifications/digest.ts'
import { settingsOf } from '../domain/settings/registry.ts'
import { Email } from '../domain/users/accounts.ts'
import { DigestView, PageOf, TestEmailView } from '../domain/schemas.ts'
import { endpoint } from '../runtime/endpoint.ts'

const api = endpoint(import.meta.url)

const TestEmail = z.object({ to: Email.optional() }).strict()

api.get(
  '/',
  {
    auth: 'user',
    summary: 'Напоминания о сроках поверки',
    response: PageOf(z.looseObject({ id: z.number().int(), stage_label: z.string() })),
  },
  async (_req, env) => {
    const { notify_offsets } = await settingsOf(env)
    const items = await dueItems(env.sql, notify_offsets, env.user)
    return {
      items: items.map((i) => ({ ...i, stage_label: stageLabel(i.stage) })),
      total: items.length,
    }
  },
)

api.post(
  '/run',
  { auth: 'admin', summary: 'Разослать напоминания сейчас', response: DigestView },
  (_req, env) => runDigestNow(env),
)

api.post(
  '/test-email',
  {
    auth: 'admin',
    summary: 'Отправить тестовое письмо',
    body: TestEmail,
    response: TestEmailView,
  },
  (_req, env, { body }) => sendTestEmail(env, body.to),
)

export default api
