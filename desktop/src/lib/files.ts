// Handing a file from the server to the person: Electron opens it with the system's program
// (temp file + shell.openPath in the main process); a browser downloads it or shows it in a tab.
import { bridge } from './server.ts'

export function downloadBlob(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/** open a generated document or a stored file */
export async function openBlob(blob: Blob, name: string): Promise<string | null> {
  const b = bridge()
  if (b) {
    const result = await b.openDocument(name, await blob.arrayBuffer())
    return result.ok ? null : (result.error ?? 'Не удалось открыть документ')
  }
  const url = URL.createObjectURL(blob)
  const w = window.open(url, '_blank')
  if (!w) downloadBlob(blob, name)
  setTimeout(() => URL.revokeObjectURL(url), 5 * 60_000)
  return null
}
