// Desktop client updates (electron-updater generic provider). Base URL for the client:
// http://<server>:8000/api/releases/
//   GET  /api/releases/latest.yml           anyone  the active release: version, files, sha512…
//   GET  /api/releases/:file                anyone  an installer of a kept release (Range: 206/416)
//   GET  /api/releases                      admin   {current, previous, rollback, releases}
//   PUT  /api/releases/:version/:file       admin   publish: the body is the installer's bytes
//   PUT  /api/releases/current              admin   {version}: activate a kept release (rollback)
// Read-only routes are public on the LAN: installers hold no secrets and clients fetch them
// before anyone logs in.
import { Response } from '@whatwg-node/server'
import { z } from 'zod'
import { endpoint } from '../runtime/endpoint.ts'
import { badRequest, notFound } from '../runtime/errors.ts'
import {
  activateRelease,
  installerResponse,
  isVersion,
  latestYml,
  listReleases,
  publishRelease,
  readRelease,
  readState,
} from '../runtime/releases.ts'
import { recordAudit } from '../domain/audit/record.ts'

const api = endpoint(import.meta.url)

const Version = z.string().refine(isVersion, 'Версия в формате 1.2.3 (или 1.2.3-beta.1)')

api.get(
  '/latest.yml',
  {
    auth: 'public',
    summary: 'Описание текущей версии клиента (electron-updater)',
    produces: 'text/yaml',
  },
  async (_req, env) => {
    const state = await readState(env.config.dataDir)
    const release = state.current ? await readRelease(env.config.dataDir, state.current) : null
    if (!release) throw notFound('Обновления клиента не опубликованы')
    return new Response(latestYml(release, state), {
      headers: { 'content-type': 'text/yaml; charset=utf-8', 'cache-control': 'no-cache' },
    })
  },
)

api.get(
  '/:file',
  {
    auth: 'public',
    summary: 'Установщик клиента (поддерживает Range)',
    params: z.object({ file: z.string().max(200) }),
    produces: 'application/octet-stream',
  },
  async (request, env, { params }) => {
    const releases = await listReleases(env.config.dataDir)
    const release = releases.find((r) => r.file === params.file)
    if (!release) throw notFound('Установщик не найден')
    return installerResponse(env.config.dataDir, release, request.headers.get('range'))
  },
)

const StateView = z.object({
  current: z.string().nullable(),
  previous: z.string().nullable(),
  rollback: z.boolean(),
})
const ReleaseView = z.looseObject({ version: z.string(), file: z.string(), size: z.number() })

api.get(
  '/',
  {
    auth: 'admin',
    summary: 'Опубликованные версии клиента',
    response: StateView.extend({ releases: z.array(ReleaseView) }),
  },
  async (_req, env) => {
    const [state, releases] = await Promise.all([
      readState(env.config.dataDir),
      listReleases(env.config.dataDir),
    ])
    return { ...state, releases }
  },
)

api.put(
  '/current',
  {
    auth: 'admin',
    summary: 'Сделать сохранённую версию текущей (откат)',
    response: StateView,
    body: z.object({ version: Version }),
  },
  async (_req, env, { body }) => {
    const before = await readState(env.config.dataDir)
    const state = await activateRelease(env.config.dataDir, body.version, env.sql)
    await recordAudit(env.sql, env, {
      action: state.rollback ? 'release_rollback' : 'release_activate',
      entity: 'release',
      changes: { current: { old: before.current, new: state.current } },
    })
    return state
  },
)

api.put(
  '/:version/:file',
  {
    auth: 'admin',
    summary: 'Опубликовать установщик клиента (тело — байты файла)',
    status: 201,
    response: StateView.extend({ release: ReleaseView }),
    params: z.object({ version: Version, file: z.string().max(200) }),
    body: 'raw',
  },
  async (request, env, { params }) => {
    if (!request.body) throw badRequest('Нет содержимого установщика')
    const { release, state } = await publishRelease(
      env.config.dataDir,
      {
        version: params.version,
        file: params.file,
        body: request.body,
        declaredSize: Number(request.headers.get('content-length') ?? 0),
      },
      env.sql,
    )
    await recordAudit(env.sql, env, {
      action: 'release_publish',
      entity: 'release',
      changes: {
        current: { old: state.previous, new: state.current },
        file: { old: null, new: release.file },
        size: { old: null, new: release.size },
      },
    })
    return { release, ...state }
  },
)

export default api
