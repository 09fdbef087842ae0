// The live register: a Server-Sent Events stream of the changes the signed-in user may
// see. The client reads it with fetch() and a stream reader so the token travels in the
// Authorization header, never in a URL.
//   GET /api/events   text/event-stream; `Last-Event-ID` resumes after that id
// Frames: `ready` (the id to resume from), `change` (domain/live/events.ts LiveEvent), `reset`
// (the id is older than the 24 h kept: reload everything), `: heartbeat` comments. The stream
// ends when the session is revoked (logout, password change, deactivation) or the client lags.
import { z } from 'zod'
import { hubFor, type Subscriber } from '../domain/live/hub.ts'
import { bearerToken, tokenExpiresAt } from '../runtime/auth.ts'
import { endpoint } from '../runtime/endpoint.ts'

const api = endpoint(import.meta.url)

/** What the `data:` of a `change` frame holds (described in the OpenAPI document). */
const LiveEventSchema = z.object({
  id: z.number().int(),
  kind: z.enum([
    'created',
    'updated',
    'cycle',
    'archived',
    'restored',
    'deleted',
    'added',
    'removed',
  ]),
  equipment_id: z.number().int(),
  version: z.number().int().nullable(),
  department: z.string().nullable(),
  user_id: z.number().int().nullable(),
  user_name: z.string().nullable(),
  at: z.string(),
})

/** Bytes a stream may have waiting for a client that does not read before it is cut. */
const MAX_QUEUED = 256 * 1024

const lastEventId = (header: string | null): number | null =>
  header && /^\d{1,15}$/.test(header.trim()) ? Number(header.trim()) : null

api.get(
  '/',
  {
    auth: 'user',
    summary: 'Поток изменений реестра (Server-Sent Events)',
    produces: 'text/event-stream',
    status: 200,
    response: LiveEventSchema,
  },
  async (request, env) => {
    const hub = hubFor(env.sql, env.bus)
    const started = performance.now()
    const encoder = new TextEncoder()
    let frames = 0
    let closed = false
    let controller!: ReadableStreamDefaultController<Uint8Array>
    const token = bearerToken(request)
    const subscriber: Subscriber = {
      user: { ...env.user },
      expiresAt: token ? tokenExpiresAt(token) : null,
      write(text) {
        if (closed) return false
        controller.enqueue(encoder.encode(text))
        frames++
        return (controller.desiredSize ?? 0) > -MAX_QUEUED
      },
      close(reason) {
        if (closed) return
        closed = true
        hub.leave(subscriber)
        try {
          controller.close()
        } catch {
          // already cancelled by the client
        }
        env.log.info('event stream closed', {
          user: env.user.username,
          reason,
          frames,
          duration_ms: Math.round(performance.now() - started),
        })
      },
    }
    const body = new ReadableStream<Uint8Array>(
      {
        start(c) {
          controller = c
        },
        cancel() {
          subscriber.close('client gone')
        },
      },
      { highWaterMark: 0, size: (chunk) => chunk.byteLength },
    )
    request.signal?.addEventListener('abort', () => subscriber.close('client gone'), { once: true })
    await hub.join(subscriber, lastEventId(request.headers.get('last-event-id')))
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        // nginx (deploy/) passes the frames on at once instead of buffering them
        'x-accel-buffering': 'no',
      },
    })
  },
)

export default api
