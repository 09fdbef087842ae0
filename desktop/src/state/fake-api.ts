// A fake server for the state classes' unit tests: an Api whose fetch is answered in memory.
import { Api } from '../lib/api.ts'

export type Handler = (
  method: string,
  url: URL,
  body: unknown,
) => { status?: number; body?: unknown } | undefined

export function fakeApi(handler: Handler) {
  const calls: { method: string; url: URL; body: unknown }[] = []
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input))
    const method = init?.method ?? 'GET'
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined
    calls.push({ method, url, body })
    const answer = handler(method, url, body)
    if (!answer) return new Response(JSON.stringify({ error: 'Не найдено' }), { status: 404 })
    return new Response(JSON.stringify(answer.body ?? {}), {
      status: answer.status ?? 200,
      headers: { 'content-type': 'application/json' },
    })
  }) as typeof fetch
  const api = new Api('http://server.test:8000', fetcher)
  return { api, calls }
}

export function memoryStorage() {
  const map = new Map<string, string>()
  return {
    map,
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
  }
}
