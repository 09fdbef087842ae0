// The preload bridge: four named functions on window.deltica, nothing else (never ipcRenderer).
// Runs sandboxed; bundled to CommonJS by scripts/build-main.mjs.
import { contextBridge, ipcRenderer } from 'electron'
import { CHANNELS, type DelticaBridge } from './bridge.ts'

const bridge: DelticaBridge = {
  getServer: () => ipcRenderer.invoke(CHANNELS.getServer),
  setServer: (input) => ipcRenderer.invoke(CHANNELS.setServer, String(input)),
  openDocument: (fileName, bytes) =>
    ipcRenderer.invoke(CHANNELS.openDocument, String(fileName), bytes),
  appInfo: () => ipcRenderer.invoke(CHANNELS.appInfo),
}

contextBridge.exposeInMainWorld('deltica', bridge)
