// The API description comes from the route table: every route is in /api/openapi.json and on
// /docs, with its auth and schemas; a function file dropped in later is covered automatically.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { harness, testConfig, type Harness } from '../test/app.ts'
import { createApp } from './app.ts'
import { createLogger } from './log.ts'

let h: Harness
beforeAll(async () => {
  h = await harness()
})
afterAll(() => h.close())

it('/api/openapi.json lists every route with its auth and schemas', async () => {
  const res = await h.call('GET', '/api/openapi.json')
  expect(res.status).toBe(200)
  const doc = await res.json()
  expect(doc.openapi).toBe('3.1.0')
  for (const r of h.app.routes) {
    const op = doc.paths[r.path.replace(/:(\w+)/g, '{$1}')]?.[r.method.toLowerCase()]
    expect(op, `${r.method} ${r.path}`).toBeDefined()
    expect(op.summary).toBe(r.summary)
    expect(op['x-auth']).toBe(r.auth)
    expect(op.security.length > 0).toBe(r.auth !== 'public')
    expect(op.operationId).toBe(r.operationId)
    expect(op.responses[String(r.status)]).toBeDefined()
  }
  const create = doc.paths['/api/equipment'].post.requestBody.content['application/json'].schema
  expect(create.required).toEqual(expect.arrayContaining(['equipment_name', 'department']))
  expect(create.properties.equipment_type.enum).toEqual(['SI', 'IO'])
  const list = doc.paths['/api/equipment'].get.parameters
  expect(list.map((p: any) => p.name)).toEqual(
    expect.arrayContaining(['q', 'status', 'sort', 'limit']),
  )
  expect(doc.paths['/api/equipment/{id}'].get.parameters[0]).toMatchObject({
    name: 'id',
    in: 'path',
  })
})

it('/docs is a self-contained Russian page naming every route', async () => {
  const res = await h.call('GET', '/docs')
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toContain('text/html')
  const html = await res.text()
  expect(html).toContain('Deltica API')
  expect(html).not.toMatch(/<script|https?:\/\/(?!localhost)/)
  for (const r of h.app.routes) expect(html).toContain(r.path)
})

it('a function file added later is documented without a second list', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'deltica-doc-'))
  const endpointModule = new URL('./endpoint.ts', import.meta.url).href
  writeFileSync(
    join(dir, 'gadgets.ts'),
    `import { endpoint } from '${endpointModule}'
     import { z } from 'zod'
     const api = endpoint(import.meta.url)
     api.post('/', { auth: 'admin', summary: 'Новый гаджет', body: z.object({ name: z.string() }) }, () => ({}))
     export default api`,
  )
  const app = await createApp({
    sql: h.sql,
    config: testConfig(),
    log: createLogger({ sink: () => {} }),
    functionsDir: dir,
  })
  const doc = await (await app.fetch(new Request('http://x/api/openapi.json'))).json()
  expect(doc.paths['/api/gadgets'].post.summary).toBe('Новый гаджет')
  expect(await (await app.fetch(new Request('http://x/docs'))).text()).toContain('Новый гаджет')
})
