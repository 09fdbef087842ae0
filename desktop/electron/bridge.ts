// The contract between the preload bridge and the main process: channel names and the shape of
// window.deltica as the renderer sees it. No Electron import, so the renderer can use the types.

export const CHANNELS = {
  getServer: 'deltica:get-server',
  setServer: 'deltica:set-server',
  openDocument: 'deltica:open-document',
  appInfo: 'deltica:app-info',
} as const

export type SetServerResult = { ok: true; url: string } | { ok: false; error: string }

export interface DelticaBridge {
  /** the saved server address, or null on the first run */
  getServer(): Promise<string | null>
  /** normalise, check /api/health, save; the page reloads with the new CSP on success */
  setServer(input: string): Promise<SetServerResult>
  /** write a generated document to a temp folder and open it with the system's program */
  openDocument(fileName: string, bytes: ArrayBuffer): Promise<{ ok: boolean; error?: string }>
  appInfo(): Promise<{ version: string; buildDefault: string | null }>
}
