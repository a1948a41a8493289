// The Electron main process: one hardened window, the IPC contract, and the supervised bundled broker.
// Everything with logic lives in electron-free modules (security.ts, ipc.ts, services/, supervisor/);
// this file only wires them to Electron.
import { app, BrowserWindow, dialog, ipcMain, session, shell, utilityProcess, safeStorage } from 'electron'
import { join } from 'node:path'
import type { Events } from '../contract.ts'
import { eventChannel } from '../ipc-channels.ts'
import { createAppContext, type AppContext } from '../services/app-context.ts'
import { utilityProcessSpawner } from '../supervisor/utility-process-adapter.ts'
import { registerIpc } from './ipc.ts'
import { SafeStorageSecretStore } from './safe-storage-secrets.ts'
import {
  shouldPreventNavigation,
  windowOpenDecision,
  windowOptions,
  withCspHeader,
  type AppLocation,
} from './security.ts'

const here = import.meta.dirname
const devUrl = process.env['ELECTRON_RENDERER_URL']
const rendererFile = join(here, '../renderer/index.html')
const location: AppLocation = devUrl
  ? { kind: 'url', origin: new URL(devUrl).origin }
  : { kind: 'file', path: rendererFile }

let mainWindow: BrowserWindow | null = null
let appContext: AppContext | null = null
let quitting = false

function emit<E extends keyof Events>(event: E, payload: Events[E]): void {
  if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(eventChannel(event), payload)
}

const openExternal = async (url: string): Promise<void> => {
  await shell.openExternal(url)
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow(windowOptions(join(here, '../preload/index.cjs')))
  win.on('ready-to-show', () => {
    win.show()
    // One line for launch scripts and the desktop smoke test to wait for.
    process.stdout.write('strata window ready\n')
  })
  win.webContents.on('will-navigate', (event, url) => {
    if (shouldPreventNavigation(url, location)) event.preventDefault()
  })
  win.webContents.on('will-redirect', (event, url) => {
    if (shouldPreventNavigation(url, location)) event.preventDefault()
  })
  win.webContents.setWindowOpenHandler(({ url }) => windowOpenDecision(url, (u) => void openExternal(u)))
  win.webContents.on('will-attach-webview', (event) => event.preventDefault())
  if (devUrl) void win.loadURL(devUrl)
  else void win.loadFile(rendererFile)
  return win
}

async function start(): Promise<void> {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: withCspHeader(details.responseHeaders) }),
  )
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))

  const userData = app.getPath('userData')
  appContext = await createAppContext({
    mode: 'electron',
    version: app.getVersion(),
    stateDir: userData,
    spawn: utilityProcessSpawner(utilityProcess.fork),
    brokerEntry: join(here, 'broker.js'),
    secrets: new SafeStorageSecretStore(join(userData, 'secrets.json'), safeStorage),
    emit,
    chooseDirectory: async () => {
      const options = {
        properties: ['openDirectory', 'createDirectory'] as ('openDirectory' | 'createDirectory')[],
      }
      const result = mainWindow
        ? await dialog.showOpenDialog(mainWindow, options)
        : await dialog.showOpenDialog(options)
      return result.canceled ? null : (result.filePaths[0] ?? null)
    },
    openExternal,
  })
  registerIpc(ipcMain, appContext.dispatch, location)
  mainWindow = createWindow()
  void appContext.supervisor.start()
}

void app.whenReady().then(start)

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault())
})

app.on('window-all-closed', () => app.quit())

// Stop the broker cleanly before quitting: hold the quit until it has exited.
app.on('before-quit', (event) => {
  if (quitting || !appContext) return
  event.preventDefault()
  quitting = true
  void appContext.shutdown().finally(() => app.quit())
})
