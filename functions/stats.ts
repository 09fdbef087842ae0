// Statistics, all computed in SQL and scoped on the server (domain/stats/).
//   GET /api/stats/summary       user: {total, by_status:{…six}, by_state:{…four},
//                                due_in:{30,60,90}, archived} — header metrics
//   GET /api/stats/department?from=&to=&department=   user (a laborant: own department only):
//                                verifications in the range (current cycle + history), by type,
//                                fit, in storage now, unfit notices archived in the range;
//                                `instruments`: the same blocks as the grid counts them
//   GET /api/stats/analytics?year=   admin: by verification type in the year; departments ×
//                                12 months of verification_plan; planned cost per month and per
//                                department; next year's budget; overdue by department and
//                                responsible person; due in 30/60/90 days; instruments verified
//                                in the year by type (as the grid counts them)
import { z } from 'zod'
import { AnalyticsView, DateString, DepartmentStatsView, SummaryView } from '../domain/schemas.ts'
import { analytics } from '../domain/stats/analytics.ts'
import { departmentStats } from '../domain/stats/department.ts'
import { settingsOf } from '../domain/settings/registry.ts'
import { summary } from '../domain/stats/summary.ts'
import { endpoint } from '../runtime/endpoint.ts'

const api = endpoint(import.meta.url)

api.get(
  '/summary',
  {
    auth: 'user',
    summary: 'Сводные показатели реестра',
    response: SummaryView,
  },
  async (_req, env) => summary(env.sql, env.user, (await settingsOf(env)).expiring_days),
)

api.get(
  '/department',
  {
    auth: 'user',
    summary: 'Статистика подразделения за период',
    response: DepartmentStatsView,
    query: z.object({
      from: DateString.optional(),
      to: DateString.optional(),
      department: z.string().max(40).optional(),
    }),
  },
  async (_req, env, { query }) =>
    departmentStats(env.sql, env.user, query, (await settingsOf(env)).expiring_days),
)

api.get(
  '/analytics',
  {
    auth: 'admin',
    summary: 'Аналитика: типы, календарь, затраты, бюджет следующего года, просрочки',
    response: AnalyticsView,
    query: z.object({ year: z.coerce.number().int().min(2000).max(2200).optional() }),
  },
  async (_req, env, { query }) =>
    analytics(env.sql, env.user, query.year, (await settingsOf(env)).expiring_days),
)

export default api
