// Typed calls of /api/directory: the Windows domain's connection check and a user's look-up, with
// the settings as the form holds them (response types from domain/shared/views.ts).
import type { DirectoryCheck, DirectoryLookup } from '@shared/views.ts'
import type { Api } from '../api.ts'

export const directoryApi = (api: Api) => ({
  check: (directory: unknown) => api.post<DirectoryCheck>('/api/directory/check', { directory }),
  lookup: (username: string, directory: unknown) =>
    api.post<DirectoryLookup>('/api/directory/lookup', { username, directory }),
})
