// A pg_dump file as a database: restored into a temporary database on the configured PostgreSQL
// server (custom format with pg_restore, plain SQL with psql), dropped afterwards. Needs a real
// PostgreSQL and its client tools; a dump made by a newer PostgreSQL (the 1.x servers run 17)
// needs pg_restore of that version or newer.
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { open } from 'node:fs/promises'
import { promisify } from 'node:util'
import { connectUrl } from './db.ts'

const run = promisify(execFile)

export class DumpError extends Error {}

export interface RestoredDump {
  url: string
  drop(): Promise<void>
}

async function formatOf(file: string): Promise<'custom' | 'plain'> {
  let fh
  try {
    fh = await open(file, 'r')
  } catch {
    throw new DumpError(`Файл дампа ${file} не найден или недоступен для чтения`)
  }
  try {
    const head = Buffer.alloc(5)
    await fh.read(head, 0, 5, 0)
    return head.toString('latin1') === 'PGDMP' ? 'custom' : 'plain'
  } finally {
    await fh.close()
  }
}

async function toolVersion(tool: string): Promise<string> {
  try {
    const { stdout } = await run(tool, ['--version'])
    return stdout.trim()
  } catch {
    return `${tool} не найден`
  }
}

/** Restores `file` into a new database next to `serverUrl`'s; the caller drops it. */
export async function restoreDump(serverUrl: string, file: string): Promise<RestoredDump> {
  const format = await formatOf(file)
  const name = `deltica1_source_${randomBytes(6).toString('hex')}`
  const admin = connectUrl(serverUrl, 1)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const drop = async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`)
    await admin.end({ timeout: 5 })
  }
  await admin.unsafe(`create database ${name}`)
  try {
    if (format === 'custom') {
      await run(
        'pg_restore',
        ['--no-owner', '--no-privileges', '--exit-on-error', '-d', url.toString(), file],
        {
          maxBuffer: 64 * 1024 * 1024,
        },
      )
    } else {
      await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url.toString(), '-f', file], {
        maxBuffer: 64 * 1024 * 1024,
      })
    }
  } catch (error) {
    await drop()
    const stderr = String((error as { stderr?: string }).stderr ?? (error as Error).message)
    const tool = format === 'custom' ? 'pg_restore' : 'psql'
    const version = /unsupported version|version .* not supported/i.test(stderr)
      ? ` Дамп сделан более новой версией PostgreSQL: дамп PostgreSQL 17 в формате custom ` +
        `восстанавливает только pg_restore 17 или новее (здесь: ${await toolVersion(tool)}). ` +
        'Установите клиент PostgreSQL 17 или укажите вместо файла адрес базы Deltica 1.x.'
      : ''
    throw new DumpError(
      `Дамп не восстановлен (${tool}).${version}\n${stderr.trim().slice(0, 2000)}`,
    )
  }
  return { url: url.toString(), drop }
}
