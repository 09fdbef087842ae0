// What the label's QR code holds: «DLT:<id>», which no inventory or factory number looks like.
// Typed or scanned into the register's search (a USB scanner types it and presses Enter) it opens
// that instrument's card. A scanner typing with the Russian keyboard layout active sends the same
// keys as «ВДЕЖ<id>»: that is read too. Shared by the label documents and the client.

const QR_PREFIX = 'DLT:'

/** the QR payload of an instrument */
export const qrPayload = (id: number | string): string => `${QR_PREFIX}${id}`

/** the id a search text names as a QR payload, or null (a bare number is a search as ever) */
export function idFromQr(text: string): number | null {
  const m = /^\s*(?:DLT:|ВДЕЖ)\s*(\d{1,15})\s*$/i.exec(text)
  if (!m) return null
  const id = Number(m[1])
  return Number.isSafeInteger(id) && id > 0 ? id : null
}
