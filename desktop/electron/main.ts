// Electron main process: one window showing the bundled renderer from the privileged app://
// scheme, with the CSP's connect-src set to the saved server, navigation locked, a minimal IPC
// surface whose every handler checks its sender, the Russian menu, the window's size and position
// remembered, and generated documents opened from a temp folder by the system's program.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { extname, join, normalize, sep } from 'node:path'
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  net,
  protocol,
  screen,
  shell,
  type IpcMainInvokeEvent,
} from 'electron'
import { CHANNELS, type SetServerResult } from './bridge.ts'
import { ConfigStore, restoreBounds } from './config-store.ts'
import { integratedAuthSwitches } from './integrated-auth.ts'
import { menuTemplate } from './menu.ts'
import { aboutDetail, fetchServerVersion } from './server-info.ts'
import { startUpdates } from './updater.ts'
import {
  APP_HOST,
  APP_ORIGIN,
  APP_SCHEME,
  contentSecurityPolicy,
  devToolsAllowed,
  isAllowedNavigation,
  isOpenableDocument,
  isTrustedSender,
  safeFileName,
} from './security.ts'
import {
  healthUrl,
  isDelticaHealth,
  normalizeServerUrl,
  ServerUrlError,
} from '../shared/server-url.ts'

const RENDERER_DIR = join(__dirname, '..', 'dist')
const DEV_SERVER = app.isPackaged ? undefined : process.env.VITE_DEV_SERVER_URL
const BUILD_DEFAULT = (import.meta as { env?: Record<string, string> }).env?.VITE_API_URL ?? null
const devTools = devToolsAllowed({ isPackaged: app.isPackaged, env: process.env })
const store = new ConfigStore(join(app.getPath('userData'), 'deltica.json'))
let window: BrowserWindow | null = null
let docsDir: string | null = null

// Windows sign-in: Chromium's integrated authentication for the saved server only (a changed
// server takes effect at the next start)
for (const [name, value] of integratedAuthSwitches(store.read().serverUrl))
  app.commandLine.appendSwitch(name, value)

protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
  },
])

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
}

function serveRenderer(request: Request): Response {
  const { host, pathname } = new URL(request.url)
  const file = normalize(
    join(RENDERER_DIR, decodeURIComponent(pathname === '/' ? '/index.html' : pathname)),
  )
  if (host !== APP_HOST || !file.startsWith(RENDERER_DIR + sep))
    return new Response('', { status: 404 })
  try {
    return new Response(readFileSync(file), {
      headers: {
        'content-type': MIME[extname(file)] ?? 'application/octet-stream',
        'content-security-policy': contentSecurityPolicy(store.read().serverUrl),
      },
    })
  } catch {
    return new Response('', { status: 404 })
  }
}

/** Every ipcMain.handle goes through this: a message from any other page is refused. */
function handle<A extends unknown[], R>(channel: string, fn: (...args: A) => R | Promise<R>) {
  ipcMain.handle(channel, (event: IpcMainInvokeEvent, ...args: unknown[]) => {
    if (!isTrustedSender(event.senderFrame?.url, DEV_SERVER))
      throw new Error('Недоверенный источник')
    return fn(...(args as A))
  })
}

async function checkAndSaveServer(input: string): Promise<SetServerResult> {
  let url: string
  try {
    url = normalizeServerUrl(input)
  } catch (error) {
    return { ok: false, error: error instanceof ServerUrlError ? error.message : 'Неверный адрес' }
  }
  try {
    const response = await net.fetch(healthUrl(url), { signal: AbortSignal.timeout(5000) })
    const body = await response.json().catch(() => null)
    if (!isDelticaHealth(body)) {
      return {
        ok: false,
        error: `По адресу ${url} отвечает не сервер Deltica или база данных недоступна`,
      }
    }
  } catch {
    return { ok: false, error: `Сервер ${url} недоступен. Проверьте адрес и сеть` }
  }
  store.update({ serverUrl: url })
  setTimeout(() => window?.webContents.reload(), 50) // the new CSP applies to the next load
  return { ok: true, url }
}

async function openDocument(fileName: string, bytes: ArrayBuffer) {
  const name = safeFileName(fileName)
  if (!isOpenableDocument(name)) return { ok: false, error: 'Этот тип файла не открывается' }
  docsDir ??= mkdtempSync(join(tmpdir(), 'deltica-'))
  const path = join(docsDir, `${Date.now()}-${name}`)
  writeFileSync(path, Buffer.from(bytes))
  const error = await shell.openPath(path)
  return error ? { ok: false, error: `Не удалось открыть документ: ${error}` } : { ok: true }
}

function createWindow() {
  const saved = store.read().window
  const bounds = restoreBounds(
    saved,
    screen.getAllDisplays().map((d) => d.workArea),
  )
  window = new BrowserWindow({
    ...bounds,
    minWidth: 1024,
    minHeight: 640,
    title: 'Deltica',
    show: false,
    backgroundColor: '#f5f7fa',
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      devTools,
      spellcheck: false,
    },
  })
  if (bounds.maximized) window.maximize()
  window.once('ready-to-show', () => window?.show())

  const contents = window.webContents
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url, DEV_SERVER)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    // blob: URLs of files viewed in the client open in a child window of our own origin
    if (url.startsWith('blob:app://deltica/')) return { action: 'allow' }
    return { action: 'deny' }
  })

  const remember = () => {
    if (!window || window.isMinimized()) return
    const b = window.getNormalBounds()
    store.update({ window: { ...b, maximized: window.isMaximized() } })
  }
  window.on('close', remember)

  void window.loadURL(DEV_SERVER ?? `${APP_ORIGIN}/index.html`)
}

app.whenReady().then(() => {
  protocol.handle(APP_SCHEME, serveRenderer)
  handle(CHANNELS.getServer, () => store.read().serverUrl)
  handle(CHANNELS.setServer, (input: string) => checkAndSaveServer(String(input)))
  handle(CHANNELS.openDocument, (name: string, bytes: ArrayBuffer) =>
    openDocument(String(name), bytes),
  )
  handle(CHANNELS.appInfo, () => ({ version: app.getVersion(), buildDefault: BUILD_DEFAULT }))

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate({
        version: app.getVersion(),
        devTools,
        onServerSettings: () => window?.webContents.executeJavaScript("location.hash = '#/server'"),
        onUndo: () =>
          window?.webContents.executeJavaScript("window.dispatchEvent(new Event('deltica:undo'))"),
        onAbout: async () => {
          const server = store.read().serverUrl
          void dialog.showMessageBox({
            type: 'info',
            title: 'О программе',
            message: `Deltica ${app.getVersion()}`,
            detail: aboutDetail(app.getVersion(), await fetchServerVersion(server), server),
            buttons: ['OK'],
          })
        },
      }),
    ),
  )
  createWindow()
  startUpdates(
    () => store.read().serverUrl,
    () => window,
  )
})

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url, DEV_SERVER)) event.preventDefault()
  })
  if (!devTools) contents.on('devtools-opened', () => contents.closeDevTools())
})

app.on('window-all-closed', () => app.quit())
