// The API's description, generated from the route table (each route's auth, summary and zod
// schemas as declared in functions/*.ts), so a route added later is documented without a second
// list: GET /api/openapi.json (OpenAPI 3.1) and GET /docs (a self-contained Russian HTML page —
// the LAN has no internet, so no CDN).
import { Response } from '@whatwg-node/server'
import { z } from 'zod'
import type { RouteInfo } from './endpoint.ts'

type JsonSchema = Record<string, any>

function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  try {
    const { $schema: _, ...rest } = z.toJSONSchema(schema, {
      io,
      unrepresentable: 'any',
    }) as JsonSchema
    return rest
  } catch {
    return {}
  }
}

const AUTH_LABELS = { public: 'все', user: 'пользователь', admin: 'администратор' } as const

/** '/api/equipment/:id' → '/api/equipment/{id}' */
const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}')

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return []
  const s = jsonSchema(schema)
  const required = new Set<string>(s.required ?? [])
  return Object.entries<JsonSchema>(s.properties ?? {}).map(([name, prop]) => ({
    name,
    in: where,
    required: where === 'path' || (required.has(name) && !('default' in prop)),
    schema: prop,
    ...(prop.type === 'array' ? { style: 'form', explode: true } : {}),
  }))
}

const ERRORS: Record<string, string> = {
  '400': 'Неверные данные (поля с ошибками в fields)',
  '401': 'Требуется вход',
  '403': 'Недостаточно прав',
  '404': 'Не найдено',
  '409': 'Конфликт (устаревшая версия, дубликат)',
  '413': 'Слишком большой запрос',
  '503': 'База данных недоступна',
}

export function openApiDocument(routes: RouteInfo[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const r of routes) {
    const path = openApiPath(r.path)
    const errorCodes = ['400', '404', '503']
    if (r.auth !== 'public') errorCodes.push('401')
    if (r.auth === 'admin') errorCodes.push('403')
    if (['PATCH', 'PUT', 'POST'].includes(r.method)) errorCodes.push('409', '413')
    const success =
      r.status === 204
        ? { description: 'Успешно, без тела ответа' }
        : {
            description: 'Успешно',
            content: {
              [r.produces]: {
                schema:
                  r.produces === 'application/json'
                    ? r.response
                      ? jsonSchema(r.response, 'output')
                      : {}
                    : { type: 'string', format: 'binary' },
              },
            },
          }
    const operation: Record<string, unknown> = {
      operationId: r.operationId,
      summary: r.summary,
      tags: [r.path.split('/')[2]],
      'x-auth': r.auth,
      parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
      responses: {
        [String(r.status)]: success,
        ...Object.fromEntries(
          errorCodes.sort().map((c) => [
            c,
            {
              description: ERRORS[c],
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
            },
          ]),
        ),
      },
    }
    operation.security = r.auth === 'public' ? [] : [{ bearer: [] }]
    if (r.body === 'raw') {
      operation.requestBody = {
        content: {
          'multipart/form-data': { schema: { type: 'object' } },
          'application/octet-stream': {},
        },
      }
    } else if (r.body) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: jsonSchema(r.body) } },
      }
    }
    paths[path] = { ...paths[path], [r.method.toLowerCase()]: operation }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Deltica API',
      version,
      description: 'Реестр метрологического оборудования филиала. Ответы и ошибки — JSON.',
      // internal software of the branch: not distributed, no public licence
      license: { name: 'Внутреннее ПО филиала', identifier: 'LicenseRef-Deltica-Internal' },
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: { type: 'string' },
            fields: {
              type: 'array',
              items: {
                type: 'object',
                properties: { field: { type: 'string' }, message: { type: 'string' } },
              },
            },
          },
        },
      },
    },
    paths,
  }
}

const escape = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function typeOf(schema: JsonSchema): string {
  if (!schema || Object.keys(schema).length === 0) return 'любое'
  if (schema.enum) return schema.enum.map(String).join(' | ')
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' | ')
  if (schema.type === 'array') return `список: ${typeOf(schema.items ?? {})}`
  const bits = [schema.type ?? 'значение']
  if (schema.format) bits.push(schema.format)
  if (schema.minimum !== undefined || schema.maximum !== undefined)
    bits.push(`${schema.minimum ?? '…'}..${schema.maximum ?? '…'}`)
  if (schema.maxLength !== undefined) bits.push(`≤ ${schema.maxLength} симв.`)
  return bits.join(', ')
}

function fieldTable(rows: { name: string; required: boolean; schema: JsonSchema }[]): string {
  if (rows.length === 0) return ''
  return `<table><tr><th>поле</th><th>тип</th><th>обяз.</th></tr>${rows
    .map(
      (r) =>
        `<tr><td><code>${escape(r.name)}</code></td><td>${escape(typeOf(r.schema))}</td><td>${r.required ? 'да' : ''}</td></tr>`,
    )
    .join('')}</table>`
}

/** The human-readable page: every route with who may call it and its fields. */
export function docsPage(routes: RouteInfo[], version: string): Response {
  const sections = new Map<string, string[]>()
  for (const r of routes) {
    const group = r.path.split('/')[2]
    const params = [...parameters(r.params, 'path'), ...parameters(r.query, 'query')].map((p) => ({
      name: `${p.in === 'path' ? ':' : '?'}${p.name}`,
      required: p.required,
      schema: p.schema,
    }))
    let body = ''
    if (r.body === 'raw') body = '<p class="b">Тело: файл (multipart/form-data или байты)</p>'
    else if (r.body) {
      const s = jsonSchema(r.body)
      const required = new Set<string>(s.required ?? [])
      body =
        '<p class="b">Тело (JSON):</p>' +
        fieldTable(
          Object.entries<JsonSchema>(s.properties ?? {}).map(([name, schema]) => ({
            name,
            required: required.has(name),
            schema,
          })),
        )
    }
    const html = `<div class="route"><h3><span class="m ${r.method}">${r.method}</span> <code>${escape(r.path)}</code>
      <span class="auth">${AUTH_LABELS[r.auth]}</span></h3><p>${escape(r.summary)}</p>
      ${fieldTable(params)}${body}</div>`
    sections.set(group, [...(sections.get(group) ?? []), html])
  }
  const nav = [...sections.keys()].map((g) => `<a href="#${g}">${g}</a>`).join(' · ')
  const content = [...sections]
    .map(([g, items]) => `<section id="${g}"><h2>/api/${g}</h2>${items.join('')}</section>`)
    .join('')
  const page = `<!doctype html><html lang="ru"><head><meta charset="utf-8">
<title>Deltica API ${escape(version)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1000px;padding:1em 2em;color:#222}
h1{margin-bottom:0}h2{border-bottom:2px solid #1890ff;padding-top:1em}h3{margin:.2em 0;font-size:15px}
.route{border:1px solid #e5e5e5;border-radius:6px;padding:.5em 1em;margin:.6em 0}
.m{display:inline-block;min-width:4em;color:#fff;border-radius:3px;padding:0 .4em;text-align:center;font-size:12px}
.GET{background:#1890ff}.POST{background:#52c41a}.PATCH,.PUT{background:#fa8c16}.DELETE{background:#f5222d}
.auth{float:right;color:#666;font-weight:normal;font-size:12px}
table{border-collapse:collapse;margin:.3em 0}td,th{border:1px solid #eee;padding:2px 8px;text-align:left;font-size:13px}
.b{margin:.4em 0 0;color:#555}code{font-size:13px}
</style></head><body>
<h1>Deltica API</h1><p>Версия ${escape(version)}. Вход: <code>POST /api/auth/login</code>, затем заголовок
<code>Authorization: Bearer &lt;токен&gt;</code>. Ошибки: <code>{"error": "…", "fields": [{field, message}]}</code>.
Машиночитаемое описание: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>
<p>${nav}</p>${content}</body></html>`
  return new Response(page, {
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    },
  })
}
