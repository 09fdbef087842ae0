// Archiving («Списание») as the client asks for it: the usual reasons offered in the dialog
// (the statistics count «Извещение о непригодности» as an unfit notice), and archiving several
// instruments one request each, reporting those refused.
import type { Api } from './api.ts'
import { archiveApi } from './api/archive.ts'

export const ARCHIVE_REASONS = [
  'Извещение о непригодности',
  'Списание',
  'Утеря',
  'Передача в другой филиал',
] as const

export const OTHER_REASON = 'Другое…'

/** archives each id; returns how many went and the refusals (id → message) */
export async function archiveMany(
  api: Api,
  ids: number[],
  reason: string,
): Promise<{ done: number; failed: { id: number; message: string }[] }> {
  let done = 0
  const failed: { id: number; message: string }[] = []
  for (const id of ids) {
    try {
      await archiveApi(api).writeOff(id, reason)
      done++
    } catch (e) {
      failed.push({ id, message: (e as Error).message })
    }
  }
  return { done, failed }
}
