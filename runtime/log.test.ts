import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DailyFile, createLogger } from './log.ts'

describe('logging', () => {
  it('writes JSON lines to a file per day and prunes files older than 30 days', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deltica-log-'))
    writeFileSync(join(dir, 'deltica-2026-01-01.log'), 'old\n')
    writeFileSync(join(dir, 'deltica-2026-02-20.log'), 'recent\n')
    writeFileSync(join(dir, 'other.txt'), 'not a log\n')
    let day = '2026-03-01'
    const file = new DailyFile(dir, 30, () => day)
    file.write('{"a":1}\n')
    day = '2026-03-02'
    file.write('{"a":2}\n')
    await file.close()
    expect(readdirSync(dir).sort()).toEqual([
      'deltica-2026-02-20.log',
      'deltica-2026-03-01.log',
      'deltica-2026-03-02.log',
      'other.txt',
    ])
    expect(readFileSync(join(dir, 'deltica-2026-03-02.log'), 'utf8')).toBe('{"a":2}\n')
    expect(existsSync(join(dir, 'deltica-2026-01-01.log'))).toBe(false)
  })

  it('a buffered logger writes gathered lines together: on a warning, when due, on close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deltica-log-'))
    const log = createLogger({ dir, buffered: true })
    const file = () => {
      const [name] = readdirSync(dir)
      return name ? readFileSync(join(dir, name), 'utf8') : ''
    }
    const settled = () => new Promise((r) => setImmediate(r))
    log.info('request', { n: 1 })
    log.info('request', { n: 2 })
    await settled()
    expect(file()).toBe('') // gathered, not yet written
    log.warn('slow')
    // the file stream writes on its own turn
    for (let i = 0; i < 200 && !file().includes('slow'); i++)
      await new Promise((r) => setTimeout(r, 10))
    expect(
      file()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).msg),
    ).toEqual(['request', 'request', 'slow'])
    log.info('last')
    await log.close()
    expect(file().trim().split('\n')).toHaveLength(4)
  })

  it('logger lines are JSON with the child fields and respect the level', () => {
    const lines: string[] = []
    const log = createLogger({ level: 'info', sink: (l) => lines.push(l) })
    log.debug('hidden')
    log.child({ request_id: 'r1' }).info('request', { status: 200 })
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0])).toMatchObject({
      level: 'info',
      msg: 'request',
      request_id: 'r1',
      status: 200,
    })
  })

  it('a line stays one JSON object whatever the text, a later field wins, children nest', () => {
    const lines: string[] = []
    const log = createLogger({ level: 'info', sink: (l) => lines.push(l) })
    const child = log.child({ request_id: 'r1', user: 'иванов "и\\ко"' }).child({ job: 'x' })
    child.warn('строка\nвторая «цитата»', { user: 'петров', path: '/api/x?q=a"b', n: null })
    log.info('empty', {})
    expect(lines).toHaveLength(2)
    expect(lines.every((l) => l.endsWith('}\n') && !l.slice(0, -1).includes('\n'))).toBe(true)
    const first = JSON.parse(lines[0])
    expect(first).toMatchObject({
      level: 'warn',
      msg: 'строка\nвторая «цитата»',
      request_id: 'r1',
      job: 'x',
      user: 'петров',
      path: '/api/x?q=a"b',
      n: null,
    })
    expect(Object.keys(first).slice(0, 3)).toEqual(['time', 'level', 'msg'])
    expect(Date.parse(first.time)).not.toBeNaN()
    expect(JSON.parse(lines[1])).toEqual({ time: expect.any(String), level: 'info', msg: 'empty' })
  })
})
