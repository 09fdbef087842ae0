// A text/event-stream parser fed chunk by chunk: complete frames out, comments (heartbeats) seen
// as activity only. The live stream is read with fetch() so the token travels in a header.

export interface SseFrame {
  event: string
  id: string | null
  data: string
}

export class SseParser {
  private buffer = ''

  /** the frames completed by `chunk` */
  push(chunk: string): SseFrame[] {
    this.buffer += chunk.replace(/\r\n?/g, '\n')
    const frames: SseFrame[] = []
    let cut: number
    while ((cut = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, cut)
      this.buffer = this.buffer.slice(cut + 2)
      const frame: SseFrame = { event: 'message', id: null, data: '' }
      const data: string[] = []
      for (const line of block.split('\n')) {
        if (!line || line.startsWith(':')) continue
        const colon = line.indexOf(':')
        const field = colon < 0 ? line : line.slice(0, colon)
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
        if (field === 'event') frame.event = value
        else if (field === 'id') frame.id = value
        else if (field === 'data') data.push(value)
      }
      if (!data.length && frame.id === null) continue
      frame.data = data.join('\n')
      frames.push(frame)
    }
    return frames
  }
}
