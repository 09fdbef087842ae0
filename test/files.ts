// Where the file store keeps what the tests upload: the folders on disk to check bytes against.
import { equipmentFolder } from '../domain/equipment/files.ts'
import { PINNED_FOLDER } from '../domain/pinned.ts'
import { folderPath } from '../runtime/files/store.ts'

export { uploadsDir } from '../runtime/files/store.ts'

export const equipmentDir = (dataDir: string, equipmentId: number) =>
  folderPath(dataDir, equipmentFolder(equipmentId))

export const pinnedDir = (dataDir: string) => folderPath(dataDir, PINNED_FOLDER)
