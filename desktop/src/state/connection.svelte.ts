// The link to the server as the user sees it: every request reports whether the server could
// be reached; after a failure the client is offline until a probe (GET /api/health) answers,
// retried on its own with growing pauses. While online and idle, a heartbeat probes every 30 s so
// an outage shows even before the next click. Screens disable their writes while offline and
// refresh their data when the link is back (onRestore).

export const RETRY_DELAYS = [1000, 2000, 4000, 8000, 10_000]
export const HEARTBEAT_MS = 30_000

export class Connection {
  online = $state(true)
  /** when the next automatic try is due (ms since epoch), for the banner */
  nextTry = $state(0)

  private attempt = 0
  private timer: ReturnType<typeof setTimeout> | undefined
  private listeners = new Set<() => void>()
  private probing = false
  private heartbeat: ReturnType<typeof setInterval> | undefined

  constructor(
    private probe: () => Promise<unknown>,
    private delays = RETRY_DELAYS,
    private now = () => Date.now(),
  ) {}

  /** each request's outcome: false when the server could not be reached at all */
  report(reachable: boolean) {
    if (reachable) this.restore()
    else if (this.online) {
      this.online = false
      this.attempt = 0
      this.schedule()
    }
  }

  /** «Повторить сейчас» */
  retryNow() {
    clearTimeout(this.timer)
    return this.retry()
  }

  /** runs `fn` whenever the link comes back; returns the unsubscribe */
  onRestore(fn: () => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  /** probes every `every` ms while online (the probe's failure reports itself through the Api) */
  watch(every = HEARTBEAT_MS) {
    clearInterval(this.heartbeat)
    this.heartbeat = setInterval(() => {
      if (this.online && !this.probing) this.probe().catch(() => {})
    }, every)
  }

  stop() {
    clearTimeout(this.timer)
    clearInterval(this.heartbeat)
    this.listeners.clear()
  }

  private schedule() {
    clearTimeout(this.timer)
    const delay = this.delays[Math.min(this.attempt, this.delays.length - 1)]
    this.nextTry = this.now() + delay
    this.timer = setTimeout(() => this.retry(), delay)
  }

  private async retry() {
    if (this.online || this.probing) return
    this.probing = true
    this.attempt++
    try {
      await this.probe()
      this.restore()
    } catch {
      if (!this.online) this.schedule()
    } finally {
      this.probing = false
    }
  }

  private restore() {
    if (this.online) return
    clearTimeout(this.timer)
    this.online = true
    for (const fn of this.listeners) fn()
  }
}
