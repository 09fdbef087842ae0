// The Russian application menu: Файл, Правка, Вид, Справка (template data; main.ts builds it).
import type { MenuItemConstructorOptions } from 'electron'

export function menuTemplate(opts: {
  version: string
  devTools: boolean
  onAbout: () => void
  onServerSettings: () => void
  /** Правка → Отменить: the page decides (a text field's undo, or the grid's last edits) */
  onUndo: () => void
}): MenuItemConstructorOptions[] {
  return [
    {
      label: 'Файл',
      submenu: [
        { label: 'Адрес сервера…', click: opts.onServerSettings },
        { type: 'separator' },
        { label: 'Выход', role: 'quit', accelerator: 'Alt+F4' },
      ],
    },
    {
      label: 'Правка',
      submenu: [
        { label: 'Отменить', accelerator: 'CmdOrCtrl+Z', click: opts.onUndo },
        { label: 'Повторить', role: 'redo', accelerator: 'CmdOrCtrl+Y' },
        { type: 'separator' },
        { label: 'Вырезать', role: 'cut' },
        { label: 'Копировать', role: 'copy' },
        { label: 'Вставить', role: 'paste' },
        { label: 'Выделить всё', role: 'selectAll' },
      ],
    },
    {
      label: 'Вид',
      submenu: [
        { label: 'Обновить', role: 'reload' },
        { type: 'separator' },
        { label: 'Крупнее', role: 'zoomIn' },
        { label: 'Мельче', role: 'zoomOut' },
        { label: 'Обычный размер', role: 'resetZoom' },
        { type: 'separator' },
        { label: 'Во весь экран', role: 'togglefullscreen' },
        ...(opts.devTools
          ? ([{ label: 'Инструменты разработчика', role: 'toggleDevTools' }] as const)
          : []),
      ],
    },
    {
      label: 'Справка',
      submenu: [{ label: `О программе (версия ${opts.version})`, click: opts.onAbout }],
    },
  ]
}
