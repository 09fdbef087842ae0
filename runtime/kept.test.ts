// Values kept a few seconds per process: read once within the time to live, dropped at once by a
// change here or (over PostgreSQL's bus) in another process, never kept before the bus listens.
import { describe, expect, it } from 'vitest'
import { serverUrl } from '../test/db.ts'
import { inProcessBus, postgresBus, type ChangeBus } from './bus.ts'
import { connectUrl } from './db.ts'
import { kept } from './kept.ts'

const counter = () => {
  let reads = 0
  return { load: async () => `value ${++reads}`, reads: () => reads }
}

async function until(check: () => Promise<boolean>, ms = 5000) {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('not within 5 s')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('kept values', () => {
  it('reads once within the time to live; a change drops one key or all; expiry reads again', async () => {
    const bus = inProcessBus()
    const cache = kept<string>(bus, 'deltica_kept_test', 200)
    await until(async () => ((await cache.get('warm', async () => 'x')) ?? '') !== '')
    const a = counter()
    const b = counter()
    expect(await cache.get('a', a.load)).toBe('value 1')
    expect(await cache.get('a', a.load)).toBe('value 1')
    expect(await cache.get('b', b.load)).toBe('value 1')
    expect(a.reads()).toBe(1)

    await cache.changed('a')
    expect(await cache.get('a', a.load)).toBe('value 2')
    expect(await cache.get('b', b.load)).toBe('value 1')

    await cache.changed()
    expect(await cache.get('a', a.load)).toBe('value 3')
    expect(await cache.get('b', b.load)).toBe('value 2')

    await new Promise((r) => setTimeout(r, 250))
    expect(await cache.get('a', a.load)).toBe('value 4')
    // nothing is kept for a missing value
    let misses = 0
    await cache.get('none', async () => (misses++, undefined))
    await cache.get('none', async () => (misses++, undefined))
    expect(misses).toBe(2)
  })

  it('keeps nothing while the bus does not listen', async () => {
    const deaf: ChangeBus = {
      kind: 'postgres',
      publish: async () => {},
      subscribe: () => Promise.reject(new Error('no bus')),
    }
    const cache = kept<string>(deaf, 'deltica_kept_test', 60_000)
    const a = counter()
    await cache.get('a', a.load)
    await cache.get('a', a.load)
    expect(a.reads()).toBe(2)
  })
})

describe.runIf(serverUrl)('kept values across processes (PostgreSQL bus)', () => {
  it('a change in one process drops the value in the other', async () => {
    const one = connectUrl(serverUrl!, 2)
    const two = connectUrl(serverUrl!, 2)
    try {
      const here = kept<string>(postgresBus(one), 'deltica_kept_test', 60_000)
      const there = kept<string>(postgresBus(two), 'deltica_kept_test', 60_000)
      const remote = counter()
      // kept once the other process listens
      await until(async () => {
        await there.get('k', remote.load)
        const before = remote.reads()
        await there.get('k', remote.load)
        return remote.reads() === before
      })
      const kept1 = await there.get('k', remote.load)
      await here.changed('k')
      await until(async () => (await there.get('k', remote.load)) !== kept1)
    } finally {
      await one.end({ timeout: 1 })
      await two.end({ timeout: 1 })
    }
  })
})
