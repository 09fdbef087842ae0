// Electron glue for client updates: electron-updater against the saved server's
// /api/releases/ (generic provider), with every decision taken by update-policy.ts — download
// only a newer release (or the admin's rollback), verify, ask before restarting.
import { execFile } from 'node:child_process'
import { app, dialog, type BrowserWindow } from 'electron'
import { autoUpdater, type UpdateInfo } from 'electron-updater'
import { canElevateFromGroups, fetchServerVersion, supportedApi } from './server-info.ts'
import {
  apiVersionWarning,
  CHECK_INTERVAL_MS,
  decideUpdate,
  downloadFailedMessage,
  installPrompt,
  verifyDownload,
  type OfferedRelease,
} from './update-policy.ts'

/** Windows: may this user elevate the per-machine installer? (elsewhere: yes) */
function canElevate(): Promise<boolean> {
  if (process.platform !== 'win32') return Promise.resolve(true)
  return new Promise((resolve) =>
    execFile('whoami', ['/groups'], { windowsHide: true }, (error, stdout) =>
      resolve(!error && canElevateFromGroups(String(stdout))),
    ),
  )
}

/** Warns once when the server speaks a newer API than this client. */
async function warnIfServerNewer(serverUrl: string | null, window: () => BrowserWindow | null) {
  const warning = apiVersionWarning(
    supportedApi(app.getVersion()),
    await fetchServerVersion(serverUrl),
  )
  if (!warning) return
  const w = window()
  const options = { type: 'warning' as const, title: 'Deltica', message: warning }
  void (w ? dialog.showMessageBox(w, options) : dialog.showMessageBox(options))
}

export function startUpdates(serverUrl: () => string | null, window: () => BrowserWindow | null) {
  void warnIfServerNewer(serverUrl(), window)
  if (!app.isPackaged) return
  autoUpdater.autoDownload = false
  autoUpdater.autoInstallOnAppQuit = false
  autoUpdater.allowDowngrade = true
  let offered: (OfferedRelease & { downgrade: boolean }) | null = null

  async function check() {
    const server = serverUrl()
    if (!server || offered) return
    autoUpdater.setFeedURL({ provider: 'generic', url: `${server}/api/releases/` })
    try {
      const result = await autoUpdater.checkForUpdates()
      const info = result?.updateInfo as (UpdateInfo & { rollback?: boolean }) | undefined
      if (!info) return
      const decision = decideUpdate(app.getVersion(), info)
      if (decision.action !== 'download') return
      offered = { ...info, downgrade: decision.downgrade }
      await autoUpdater.downloadUpdate()
    } catch {
      if (offered) report(offered.version)
      offered = null
    }
  }

  function report(version: string) {
    const w = window()
    const options = {
      type: 'warning' as const,
      title: 'Обновление Deltica',
      message: downloadFailedMessage(version),
    }
    void (w ? dialog.showMessageBox(w, options) : dialog.showMessageBox(options))
  }

  autoUpdater.on('update-downloaded', async (info: UpdateInfo & { sha512?: string }) => {
    if (!offered) return
    // electron-updater checks the sha512 itself; the policy checks it is the one promised
    if (verifyDownload(offered, info.files?.[0]?.sha512 ?? info.sha512) === 'corrupted') {
      report(offered.version)
      offered = null
      return
    }
    const prompt = installPrompt(offered.version, {
      perMachine: true,
      canElevate: await canElevate(),
      downgrade: offered.downgrade,
    })
    const w = window()
    const options = {
      type: 'info' as const,
      title: prompt.title,
      message: prompt.message,
      buttons: prompt.buttons,
      defaultId: 0,
    }
    const { response } = await (w
      ? dialog.showMessageBox(w, options)
      : dialog.showMessageBox(options))
    if (prompt.kind === 'restart' && response === 0) autoUpdater.quitAndInstall(false, true)
  })

  void check()
  setInterval(() => void check(), CHECK_INTERVAL_MS)
}
