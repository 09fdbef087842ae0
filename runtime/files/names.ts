// File names: the display name kept from what a client sent (cleaned, never used on disk) and the
// storage name the server gives a file (a new UUID and the kind's extension).
import { randomUUID } from 'node:crypto'
import type { FileKind } from './kinds.ts'

// Control characters, bidi embeddings/overrides/isolates and marks, and other invisible format
// characters that can disguise an extension ("…‮fdp.exe").
const UNSAFE_CHARS = /[\p{Cc}\u200b-\u200f\u202a-\u202e\u2060-\u206f\u061c\ufeff\ufff9-\ufffb]/gu
const MAX_NAME = 255

/**
 * The display name kept for a file: the last path component (both / and \), without control or
 * bidi characters, trimmed, at most 255 characters (the extension kept). Not normalised, so a
 * name round-trips byte for byte.
 */
export function sanitizeFileName(raw: string): string {
  let name = raw.replace(UNSAFE_CHARS, '')
  name = name.split(/[/\\]/).pop() ?? ''
  name = name.trim().replace(/^\.+/, '').trim()
  if ([...name].length > MAX_NAME) {
    const dot = name.lastIndexOf('.')
    const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : ''
    name =
      [...name.slice(0, name.length - ext.length)].slice(0, MAX_NAME - ext.length).join('') + ext
  }
  return name
}

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.')
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : ''
}

/** A new server-side storage name: never derived from the client's name. */
export const newStorageName = (kind: FileKind) => `${randomUUID()}.${kind}`
