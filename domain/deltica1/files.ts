// The files of Deltica 1.x: rows of equipment_files, archived_equipment_files and
// pinned_documents matched to files in the 1.x uploads folder (`--uploads`), each checked the
// way the server checks an upload (extension → kind, content matching it). A missing file, a
// refused type or a file with no row is reported, never fatal. Copying happens in stage.ts.
import { open, readdir, stat } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { ALL_KINDS, contentMatches, HEAD_BYTES, type FileKind } from '../../runtime/files/kinds.ts'
import { extensionOf } from '../../runtime/files/names.ts'
import type { MappedDatabase } from './map.ts'
import type { Report } from './report.ts'
import type { OldDatabase, OldFile } from './source.ts'
import type { FileCategory } from '../shared/file-categories.ts'

/** Both 1.x variants of the file-type enum → the two categories here. */
const CATEGORY: Record<string, FileCategory> = {
  verification_docs: 'verification_docs',
  certificate: 'verification_docs',
  active_certificate: 'verification_docs',
  general_docs: 'general_docs',
  passport: 'general_docs',
  technical_doc: 'general_docs',
  other: 'general_docs',
}

interface SourceFile {
  /** absolute path in the 1.x uploads folder */
  path: string
  kind: FileKind
  size: number
}

interface NewFile extends SourceFile {
  entity: 'equipment_files' | 'archived_equipment_files'
  legacyId: number
  equipmentId: number
  category: FileCategory
  original_name: string
  pinned: boolean
  position: number
  uploaded_at: Date | null
}

interface NewPinned extends SourceFile {
  legacyId: number
  original_name: string
  uploaded_at: Date
  /** username here of the 1.x uploader, or null when none matches */
  uploaded_by: string | null
}

export interface MappedFiles {
  files: NewFile[]
  pinned: NewPinned[]
}

async function head(path: string): Promise<Buffer> {
  const fh = await open(path, 'r')
  try {
    const buf = Buffer.alloc(HEAD_BYTES)
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0)
    return buf.subarray(0, bytesRead)
  } finally {
    await fh.close()
  }
}

const short = (p: string) => p.split(sep).join('/')

/** The file of a 1.x row, checked; a string is the reason it cannot come over. */
async function inspect(
  root: string,
  filePath: string,
  name: string,
  kinds: readonly FileKind[],
): Promise<SourceFile | string> {
  const path = resolve(root, filePath)
  const rel = relative(root, path)
  if (rel.startsWith('..') || rel === '' || isAbsolute(rel)) {
    return `путь ${filePath} ведёт за пределы папки загрузок`
  }
  let size: number
  try {
    const s = await stat(path)
    if (!s.isFile()) return `${filePath} — не файл`
    size = s.size
  } catch {
    return `файла ${filePath} нет в папке загрузок`
  }
  if (size === 0) return `файл ${filePath} пуст`
  const ext = extensionOf(name) || extensionOf(filePath)
  if (!(kinds as readonly string[]).includes(ext)) {
    return `тип «.${ext}» не принимается (допустимы: ${kinds.join(', ')})`
  }
  const kind = ext as FileKind
  if (!(await contentMatches(path, kind, await head(path)))) {
    return `содержимое ${filePath} не соответствует типу .${ext}`
  }
  return { path, kind, size }
}

/** Every file under the 1.x uploads folder, relative, '/'-separated. */
async function walk(root: string): Promise<string[]> {
  const out: string[] = []
  const visit = async (dir: string) => {
    let entries
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const e of entries) {
      const p = join(dir, e.name)
      if (e.isDirectory()) await visit(p)
      else if (e.isFile()) out.push(short(relative(root, p)))
    }
  }
  await visit(root)
  return out
}

export async function mapFiles(
  old: OldDatabase,
  mapped: MappedDatabase,
  uploads: string | null,
  report: Report,
): Promise<MappedFiles> {
  const out: MappedFiles = { files: [], pinned: [] }
  const total = old.files.length + old.archivedFiles.length + old.pinned.length
  if (!uploads) {
    if (total) report.problem(`Файлы (${total}) не переносятся: не указана папка --uploads`)
    return out
  }
  const root = resolve(uploads)
  const referenced = new Set<string>()
  const idOf = new Map<string, number>()
  for (const i of mapped.instruments) idOf.set(`${i.entity}:${i.sourceId}`, i.id)

  const groups: [OldFile[], 'equipment_files' | 'archived_equipment_files', string][] = [
    [old.files, 'equipment_files', 'equipment'],
    [old.archivedFiles, 'archived_equipment_files', 'archived_equipment'],
  ]
  for (const [rows, entity, owner] of groups) {
    const positions = new Map<number, number>()
    for (const row of rows) {
      referenced.add(short(row.file_path).replace(/^\.?\//, ''))
      const who = `Файл ${row.file_name} (ID ${row.id}, ${entity})`
      const equipmentId = idOf.get(`${owner}:${row.owner_id}`)
      if (equipmentId == null) {
        report.problem(`${who}: его оборудование не переносится — файл не перенесён`)
        continue
      }
      const category = CATEGORY[row.file_type]
      if (!category) {
        report.problem(`${who}: неизвестный тип файла ${row.file_type} — не перенесён`)
        continue
      }
      const found = await inspect(root, row.file_path, row.file_name, ALL_KINDS)
      if (typeof found === 'string') {
        report.problem(`${who}: ${found} — не перенесён`)
        continue
      }
      if (found.size !== row.file_size) {
        report.change(
          `${who}: размер в записи ${row.file_size} Б, на диске ${found.size} Б — взят с диска`,
        )
      }
      const position = (positions.get(equipmentId) ?? 0) + 1
      positions.set(equipmentId, position)
      out.files.push({
        ...found,
        entity,
        legacyId: row.id,
        equipmentId,
        category,
        original_name: row.file_name.trim().slice(0, 255) || `файл.${found.kind}`,
        pinned: row.is_active_certificate || row.file_type === 'active_certificate',
        position,
        uploaded_at: row.uploaded_at,
      })
    }
  }

  for (const row of old.pinned) {
    referenced.add(short(row.file_path).replace(/^\.?\//, ''))
    const who = `Закреплённый документ ${row.file_name} (ID ${row.id})`
    const found = await inspect(root, row.file_path, row.file_name, ['pdf'])
    if (typeof found === 'string') {
      report.problem(`${who}: ${found} — не перенесён`)
      continue
    }
    const uploader = mapped.authors.get(row.uploaded_by.trim().toLowerCase()) ?? null
    if (!uploader) {
      report.change(`${who}: загрузивший «${row.uploaded_by}» не найден среди пользователей`)
    }
    out.pinned.push({
      ...found,
      legacyId: row.id,
      original_name: row.file_name.trim().slice(0, 255) || 'документ.pdf',
      uploaded_at: row.uploaded_at,
      uploaded_by: uploader,
    })
  }

  for (const file of await walk(root)) {
    if (!/^(equipment_\d+|pinned_documents)\//.test(file)) continue
    if (!referenced.has(file))
      report.problem(`Файл ${file}: нет записи в базе Deltica 1.x — не перенесён`)
  }
  return out
}
