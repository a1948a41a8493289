import { contextBridge, ipcRenderer } from 'electron'
import { buildPreloadApi } from './api.ts'

contextBridge.exposeInMainWorld('strata', buildPreloadApi(ipcRenderer))
