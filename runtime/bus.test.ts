// The change bus between processes: two pools on one PostgreSQL stand for two replicas; a
// terminated listening connection (a database restart, as the listener sees it) reconnects,
// listens again and says so through onConnect.
import { describe, expect, it } from 'vitest'
import { serverUrl } from '../test/db.ts'
import { inProcessBus, postgresBus, type ChangeBus } from './bus.ts'
import { connectUrl } from './db.ts'

function inbox() {
  const got: string[] = []
  const waiters: Array<() => void> = []
  return {
    got,
    push: (payload: string) => {
      got.push(payload)
      waiters.splice(0).forEach((w) => w())
    },
    async until(n: number, ms = 5000) {
      const deadline = Date.now() + ms
      while (got.length < n) {
        if (Date.now() > deadline) throw new Error(`waited for ${n}, got ${JSON.stringify(got)}`)
        await new Promise<void>((r) => {
          waiters.push(r)
          setTimeout(r, 50)
        })
      }
    },
  }
}

describe('in-process bus', () => {
  it('delivers to every subscriber of the channel, after the caller returns, until it stops', async () => {
    const bus: ChangeBus = inProcessBus()
    const a = inbox()
    const b = inbox()
    const other = inbox()
    let connected = 0
    const stopA = await bus.subscribe('deltica_test', a.push, () => connected++)
    await bus.subscribe('deltica_test', b.push)
    await bus.subscribe('deltica_other', other.push)
    expect(connected).toBe(1)
    await bus.publish('deltica_test', '1')
    expect(a.got).toEqual([]) // not inside the publisher's stack
    await a.until(1)
    await b.until(1)
    await stopA()
    await bus.publish('deltica_test', '2')
    await b.until(2)
    expect(a.got).toEqual(['1'])
    expect(other.got).toEqual([])
    await expect(bus.publish('Bad Name; drop', 'x')).rejects.toThrow(/channel/)
  })
})

describe.runIf(serverUrl)('PostgreSQL bus', () => {
  it('carries a message from one pool to another and survives its connection being killed', async () => {
    const one = connectUrl(serverUrl!, 2)
    const two = connectUrl(serverUrl!, 2)
    try {
      const sender = postgresBus(one)
      const receiver = postgresBus(two)
      const got = inbox()
      let connects = 0
      const channel = `deltica_bus_${process.pid}`
      const stop = await receiver.subscribe(channel, got.push, () => connects++)
      expect(connects).toBe(1)
      await sender.publish(channel, 'user:7')
      await got.until(1)
      expect(got.got).toEqual(['user:7'])

      // the listening connection dies, as in a database restart
      await one`select pg_terminate_backend(pid) from pg_stat_activity
                where query ilike ${'listen%' + channel + '%'} and pid <> pg_backend_pid()`
      const deadline = Date.now() + 10_000
      while (connects < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
      expect(connects).toBe(2)
      await sender.publish(channel, 'user:8')
      await got.until(2)
      expect(got.got).toEqual(['user:7', 'user:8'])

      await stop()
      await sender.publish(channel, 'user:9')
      await new Promise((r) => setTimeout(r, 300))
      expect(got.got).toEqual(['user:7', 'user:8'])
    } finally {
      await one.end({ timeout: 1 })
      await two.end({ timeout: 1 })
    }
  })
})
