// Typed calls of /api/documents/:kind: what a document of the selection would hold, and the file.
import type { DocumentCheck } from '@shared/views.ts'
import type { Api } from '../api.ts'

export const documentsApi = (api: Api) => ({
  check: (kind: string, body: Record<string, unknown>) =>
    api.post<DocumentCheck>(`/api/documents/${kind}/check`, body),
  file: (kind: string, body: Record<string, unknown>) =>
    api.file('POST', `/api/documents/${kind}`, body),
})
