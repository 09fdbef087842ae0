// Reads a text/event-stream body frame by frame (the tests and the bench of the live register).
export interface SseFrame {
  event: string
  id?: string
  data: any
}

export function sseReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  const frames: SseFrame[] = []
  let buffer = ''
  let ended = false
  const waiters = new Set<() => void>()
  const pump = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        buffer += decoder.decode(value, { stream: true })
        let cut: number
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut)
          buffer = buffer.slice(cut + 2)
          const f: SseFrame = { event: 'message', data: null }
          let data = ''
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue
            const [k, ...rest] = line.split(':')
            const v = rest.join(':').replace(/^ /, '')
            if (k === 'event') f.event = v
            else if (k === 'id') f.id = v
            else if (k === 'data') data += v
          }
          if (!data && f.event === 'message') continue
          f.data = data ? JSON.parse(data) : null
          frames.push(f)
        }
        waiters.forEach((w) => w())
      }
    } catch {
      // cancelled or cut
    } finally {
      ended = true
      waiters.forEach((w) => w())
    }
  })()
  return {
    frames,
    get ended() {
      return ended
    },
    /** waits until `test` holds over the frames (or the stream ended), at most `ms` */
    async until(test: (frames: SseFrame[]) => boolean, ms = 5000): Promise<SseFrame[]> {
      const deadline = Date.now() + ms
      while (!test(frames)) {
        if (ended) throw new Error(`stream ended; frames: ${JSON.stringify(frames)}`)
        if (Date.now() > deadline) throw new Error(`timed out; frames: ${JSON.stringify(frames)}`)
        await new Promise<void>((r) => {
          waiters.add(r)
          setTimeout(r, 50)
        })
      }
      return frames
    },
    /** waits for the end of the stream */
    async closed(ms = 5000): Promise<void> {
      await Promise.race([
        pump,
        new Promise((_, reject) => setTimeout(() => reject(new Error('stream still open')), ms)),
      ])
    },
    cancel: () => reader.cancel().catch(() => {}),
  }
}

export const changes = (frames: SseFrame[]) =>
  frames.filter((f) => f.event === 'change').map((f) => f.data)
