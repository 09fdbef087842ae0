// Files outside /api: the built desktop renderer (desktop/dist) served at / as the zero-install
// web client. Absent until the client is built; then / answers with a short Russian hint.
import { createReadStream, existsSync, statSync } from 'node:fs'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { Readable } from 'node:stream'
import { Response } from '@whatwg-node/server'
import type { Config } from './config.ts'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json; charset=utf-8',
}

const WEB_CLIENT_DIR = resolve(new URL('../desktop/dist', import.meta.url).pathname)

export function staticSite(
  _config: Pick<Config, 'dataDir'>,
  root = process.env.WEB_CLIENT_DIR ?? WEB_CLIENT_DIR,
) {
  return async (request: Request): Promise<Response | undefined> => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined
    const { pathname } = new URL(request.url)
    let rel: string
    try {
      rel = decodeURIComponent(pathname)
    } catch {
      return undefined
    }
    const file = normalize(join(root, rel === '/' ? 'index.html' : rel))
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      if (pathname === '/') {
        return new Response(
          '<!doctype html><meta charset="utf-8"><title>Deltica</title><p>Сервер Deltica работает. Веб-клиент не собран: <code>npm run build:web</code>.</p>',
          { headers: { 'content-type': 'text/html; charset=utf-8' } },
        )
      }
      return undefined
    }
    const hashed = rel.startsWith('/assets/')
    return new Response(
      request.method === 'HEAD' ? null : (Readable.toWeb(createReadStream(file)) as any),
      {
        headers: {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'content-length': String(statSync(file).size),
          'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
        },
      },
    )
  }
}
