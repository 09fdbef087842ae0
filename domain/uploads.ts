// The one way an uploaded file becomes a row: the bytes (already received into a temporary file
// by env.files.receive) move to their storage name inside the transaction that writes the row,
// so a row never points at nothing; any failure removes the temporary file.
import type { Sql, TransactionSql } from '../runtime/db.ts'
import { newStorageName } from '../runtime/files/names.ts'
import type { ReceivedFile } from '../runtime/files/receive.ts'

/**
 * Writes the row with `write(tx, storageName)` and commits the file under that name in the same
 * transaction; returns the row. The received file is discarded when anything fails.
 */
export async function storeUpload<T>(
  sql: Sql,
  received: ReceivedFile,
  write: (tx: TransactionSql, storageName: string) => Promise<T>,
): Promise<T> {
  try {
    return (await sql.begin(async (tx) => {
      const storageName = newStorageName(received.kind)
      const row = await write(tx, storageName)
      await received.commit(storageName)
      return row
    })) as T
  } catch (error) {
    await received.discard()
    throw error
  }
}
