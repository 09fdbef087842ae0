// Moving a branch from Deltica 1.x: read the 1.x database (read-only), map it, write the report
// (printed by the CLI and saved in DATA_DIR) — and, unless it is a dry run, repeat the checks
// and write everything in one transaction: departments, users, instruments with their 1.x ids,
// the archive, files, pinned documents, contracts, and the map of 1.x ids. A target that
// already holds instruments is refused, so a second run changes nothing.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { today } from '../../runtime/clock.ts'
import type { Sql, TransactionSql } from '../../runtime/db.ts'
import { MIME } from '../../runtime/files/kinds.ts'
import { recordAudit } from '../audit/record.ts'
import { equipmentFolder } from '../equipment/files.ts'
import { PINNED_FOLDER } from '../pinned.ts'
import { loadSettings } from '../settings/registry.ts'
import { mapFiles, type MappedFiles } from './files.ts'
import { mapDatabase, type MappedDatabase, type TargetState } from './map.ts'
import { Report } from './report.ts'
import { Deltica1Error, readDeltica1, type OldContract, type OldDatabase } from './source.ts'
import { Staging, type StagedFile } from './stage.ts'

export interface ImportOptions {
  /** the 1.x database, opened read-only */
  source: Sql
  /** how the source is named in the report (URL without password, or the dump file) */
  sourceLabel: string
  target: Sql
  dataDir: string
  timeZone: string
  uploads: string | null
  dryRun: boolean
  createDepartments: boolean
}

export interface ImportResult {
  applied: boolean
  /** the report's heading lines (render(head, limit) gives a shorter print) */
  head: string[]
  report: Report
  text: string
  reportFile: string
}

const CHUNK = 1000

async function insertChunks(
  tx: TransactionSql,
  table: string,
  rows: Record<string, unknown>[],
  columns: string[],
) {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await tx`insert into ${tx(table)} ${tx(rows.slice(i, i + CHUNK) as any, columns)}`
  }
}

async function targetState(sql: Sql, timeZone: string): Promise<TargetState & { held: number }> {
  const [{ held }] = await sql<{ held: number }[]>`select count(*)::int as held from equipment`
  const departments = await sql<{ code: string; label: string }[]>`
    select code, label from departments order by sort_order, code`
  const users = await sql<{ username: string; windows_username: string | null }[]>`
    select username, windows_username from users`
  const settings = await loadSettings(sql)
  return {
    held,
    departments,
    usernames: new Set(users.map((u) => u.username.toLowerCase())),
    windowsNames: new Set(
      users.flatMap((u) => (u.windows_username ? [u.windows_username.toLowerCase()] : [])),
    ),
    today: today(timeZone),
    expiringDays: settings.expiring_days,
  }
}

const round2 = (v: number) => Math.round(v * 100) / 100

function mapContracts(rows: OldContract[], report: Report) {
  const out: (OldContract & { executor_name: string; contract_number: string })[] = []
  for (const c of rows) {
    const who = `Договор ${c.contract_number} (ID ${c.id})`
    if (c.contract_amount < 0 || c.spent_amount < 0) {
      report.problem(`${who}: отрицательная сумма — не перенесён`)
      continue
    }
    const executor = c.executor_name.trim() || '—'
    const number = c.contract_number.trim() || '—'
    if (executor !== c.executor_name || number !== c.contract_number) {
      report.change(`${who}: пробелы по краям удалены`)
    }
    out.push({
      ...c,
      executor_name: executor,
      contract_number: number,
      contract_amount: round2(c.contract_amount),
      spent_amount: round2(c.spent_amount),
    })
  }
  return out
}

function plan(old: OldDatabase, state: TargetState & { held: number }, opts: ImportOptions) {
  const report = new Report()
  if (state.held > 0) {
    report.block(
      `В этой базе уже есть оборудование (${state.held.toLocaleString('ru-RU')}): перенос выполняется только в пустой реестр, ` +
        'повторный запуск ничего не меняет',
    )
  }
  const mapped = mapDatabase(old, state, { createDepartments: opts.createDepartments }, report)
  const contracts = mapContracts(old.contracts, report)
  return { report, mapped, contracts }
}

function countCategories(
  report: Report,
  old: OldDatabase,
  mapped: MappedDatabase,
  files: MappedFiles,
  contracts: number,
) {
  const of = (entity: string) => mapped.instruments.filter((i) => i.entity === entity).length
  report.category('Оборудование', old.instruments.length, of('equipment'))
  report.category('Архив', old.archived.length, of('archived_equipment'))
  const fileCount = (entity: string) => files.files.filter((f) => f.entity === entity).length
  report.category('Файлы оборудования', old.files.length, fileCount('equipment_files'))
  report.category('Файлы архива', old.archivedFiles.length, fileCount('archived_equipment_files'))
  report.category('Закреплённые документы', old.pinned.length, files.pinned.length)
  report.category('Договоры', old.contracts.length, contracts)
  report.category('Пользователи', old.users.length, mapped.users.length)
  report.category('Подразделения (создаются)', mapped.departments.length, mapped.departments.length)
}

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)

async function saveReport(dataDir: string, text: string, dryRun: boolean, at: Date) {
  await mkdir(dataDir, { recursive: true })
  const file = join(dataDir, `deltica1-${dryRun ? 'dry-run' : 'import'}-${stamp(at)}.txt`)
  await writeFile(file, text)
  return file
}

export async function importDeltica1(opts: ImportOptions): Promise<ImportResult> {
  const started = new Date()
  const old = await readDeltica1(opts.source)
  const state = await targetState(opts.target, opts.timeZone)
  const { report, mapped, contracts } = plan(old, state, opts)
  const files = await mapFiles(old, mapped, opts.uploads, report)
  countCategories(report, old, mapped, files, contracts.length)

  const head = [
    `Перенос из Deltica 1.x — ${opts.dryRun ? 'пробный запуск (ничего не записано)' : 'перенос'}`,
    `Источник: ${opts.sourceLabel}`,
    `Папка файлов: ${opts.uploads ?? 'не указана'}`,
    `Дата: ${started.toLocaleString('ru-RU', { timeZone: opts.timeZone })}`,
  ]
  const blocked = report.blocking.length > 0
  if (opts.dryRun || blocked) {
    if (!opts.dryRun) head.push('Перенос НЕ выполнен: есть препятствия (см. ниже).')
    const text = report.render(head)
    const reportFile = await saveReport(opts.dataDir, text, opts.dryRun, started)
    return { applied: false, head, report, text, reportFile }
  }

  const staging = new Staging(opts.dataDir)
  let importId: number
  try {
    importId = await write(opts, old, mapped, files, contracts, report, staging, started)
  } catch (error) {
    await staging.discard()
    throw error
  }
  head.push(`Перенос выполнен (запись ${importId} в журнале переносов).`)
  const text = report.render(head)
  const reportFile = await saveReport(opts.dataDir, text, false, started)
  return { applied: true, head, report, text, reportFile }
}

async function write(
  opts: ImportOptions,
  old: OldDatabase,
  mapped: MappedDatabase,
  files: MappedFiles,
  contracts: ReturnType<typeof mapContracts>,
  report: Report,
  staging: Staging,
  started: Date,
): Promise<number> {
  // files first, under temporary names: the transaction below only renames them
  const fileStaged: StagedFile[] = []
  for (const f of files.files) {
    fileStaged.push(await staging.add(f.path, equipmentFolder(f.equipmentId), f.kind))
  }
  const pinnedStaged: StagedFile[] = []
  for (const p of files.pinned) pinnedStaged.push(await staging.add(p.path, PINNED_FOLDER, 'pdf'))
  report.count('filesCopied', fileStaged.length + pinnedStaged.length)

  return opts.target.begin(async (tx) => {
    // the same checks again, under a lock: nobody adds instruments meanwhile
    await tx`lock table equipment in exclusive mode`
    const [{ held }] = await tx<{ held: number }[]>`select count(*)::int as held from equipment`
    if (held > 0) {
      throw new Deltica1Error(
        `В этой базе уже есть оборудование (${held}): перенос выполняется только в пустой реестр`,
      )
    }
    const [{ imp }] = await tx<{ imp: number }[]>`
      insert into deltica1_import (started_at, source, report)
      values (${started}, ${opts.sourceLabel}, '{}'::jsonb) returning id as imp`
    const ids: { entity: string; legacy_id: number; new_id: number; note: string | null }[] = []

    if (mapped.departments.length) {
      const [{ next }] = await tx<{ next: number }[]>`
        select coalesce(max(sort_order), 0) + 1 as next from departments`
      await insertChunks(
        tx,
        'departments',
        mapped.departments.map((d, i) => ({ ...d, sort_order: next + i })),
        ['code', 'label', 'sort_order'],
      )
    }

    const now = new Date()
    const userRows = mapped.users.map((u) => ({
      username: u.username,
      full_name: u.full_name,
      department: u.department,
      role: u.role,
      active: u.active,
      password_hash: u.password_hash,
      windows_username: u.windows_username,
      created_at: u.created_at ?? now,
      updated_at: u.updated_at ?? u.created_at ?? now,
    }))
    await insertChunks(tx, 'users', userRows, Object.keys(userRows[0] ?? { username: 1 }))
    const accounts = await tx<{ id: number; username: string }[]>`select id, username from users`
    const userId = new Map(accounts.map((a) => [a.username.toLowerCase(), a.id]))
    for (const u of mapped.users) {
      ids.push({
        entity: 'users',
        legacy_id: u.legacyId,
        new_id: userId.get(u.username.toLowerCase())!,
        note: u.username,
      })
    }

    const I = mapped.instruments
    await insertChunks(
      tx,
      'equipment',
      I.map((i) => ({
        id: i.id,
        equipment_name: i.equipment_name,
        equipment_model: i.equipment_model,
        equipment_type: i.equipment_type,
        equipment_specs: i.equipment_specs,
        factory_number: i.factory_number,
        inventory_number: i.inventory_number,
        equipment_year: i.equipment_year,
        created_at: now,
        updated_at: now,
        archived_at: i.archived_at,
        archive_reason: i.archive_reason,
        archived_by: i.archived_by ? (userId.get(i.archived_by.toLowerCase()) ?? null) : null,
      })),
      [
        'id',
        'equipment_name',
        'equipment_model',
        'equipment_type',
        'equipment_specs',
        'factory_number',
        'inventory_number',
        'equipment_year',
        'created_at',
        'updated_at',
        'archived_at',
        'archive_reason',
        'archived_by',
      ],
    )
    const pick = (keys: string[]) =>
      I.map((i) =>
        Object.fromEntries([['equipment_id', i.id], ...keys.map((k) => [k, (i as any)[k]])]),
      )
    const V = [
      'verification_type',
      'registry_number',
      'verification_interval',
      'verification_date',
      'verification_plan',
      'verification_state',
    ]
    const R = ['department', 'responsible_person', 'verifier_org']
    const F = [
      'budget_item',
      'code_rate',
      'cost_rate',
      'quantity',
      'coefficient',
      'legacy_total_cost',
      'invoice_number',
      'paid_amount',
      'payment_date',
    ]
    await insertChunks(tx, 'verification', pick(V), ['equipment_id', ...V])
    await insertChunks(tx, 'responsibility', pick(R), ['equipment_id', ...R])
    await insertChunks(tx, 'finance', pick(F), ['equipment_id', ...F])
    await tx`select setval(pg_get_serial_sequence('equipment', 'id'),
                           greatest((select max(id) from equipment), 1))`
    for (const i of I) {
      ids.push({
        entity: i.entity,
        legacy_id: i.sourceId,
        new_id: i.id,
        note: i.entity === 'archived_equipment' ? `original_id ${i.legacyId}` : null,
      })
    }

    const fileRows = files.files.map((f, n) => ({
      equipment_id: f.equipmentId,
      category: f.category,
      original_name: f.original_name,
      storage_name: fileStaged[n].storageName,
      size: fileStaged[n].size,
      sha256: fileStaged[n].sha256,
      mime: MIME[f.kind],
      pinned: f.pinned,
      position: f.position,
      uploaded_at: f.uploaded_at ?? now,
    }))
    for (let n = 0; n < fileRows.length; n++) {
      const [{ id }] = await tx<{ id: number }[]>`
        insert into equipment_file ${tx(fileRows[n] as any)} returning id`
      ids.push({
        entity: files.files[n].entity,
        legacy_id: files.files[n].legacyId,
        new_id: id,
        note: null,
      })
    }
    for (let n = 0; n < files.pinned.length; n++) {
      const p = files.pinned[n]
      const [{ id }] = await tx<{ id: number }[]>`
        insert into pinned_document (original_name, storage_name, size, sha256, uploaded_at, uploaded_by)
        values (${p.original_name}, ${pinnedStaged[n].storageName}, ${pinnedStaged[n].size},
                ${pinnedStaged[n].sha256}, ${p.uploaded_at},
                ${p.uploaded_by ? (userId.get(p.uploaded_by.toLowerCase()) ?? null) : null})
        returning id`
      ids.push({ entity: 'pinned_documents', legacy_id: p.legacyId, new_id: id, note: null })
    }
    for (const c of contracts) {
      const [{ id }] = await tx<{ id: number }[]>`
        insert into contracts (executor_name, contract_number, valid_until, contract_amount,
                               spent_amount, created_at, updated_at)
        values (${c.executor_name}, ${c.contract_number}, ${c.valid_until}, ${c.contract_amount},
                ${c.spent_amount}, ${c.created_at ?? now}, ${c.updated_at ?? c.created_at ?? now})
        returning id`
      ids.push({ entity: 'contracts', legacy_id: c.id, new_id: id, note: null })
    }

    await insertChunks(
      tx,
      'deltica1_id_map',
      ids.map((r) => ({ import_id: imp, ...r })),
      ['import_id', 'entity', 'legacy_id', 'new_id', 'note'],
    )
    await tx`update deltica1_import set report = ${tx.json(report.toJSON() as any)}, finished_at = now()
             where id = ${imp}`
    await recordAudit(tx, { user: null, ip: null } as any, {
      action: 'deltica1_import',
      entity: 'system',
      entityId: imp,
      username: 'import:deltica1',
      changes: {
        instruments: I.length,
        users: mapped.users.length,
        files: fileRows.length + files.pinned.length,
        contracts: contracts.length,
        source_equipment: old.instruments.length,
      },
    })
    // the files under their stored names last: a failed commit removes them (see the caller)
    await staging.moveIn()
    return imp
  }) as Promise<number>
}
