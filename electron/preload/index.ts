import { contextBridge } from 'electron'

// The typed IPC contract is exposed here one function per entry; until it exists, only the version.
contextBridge.exposeInMainWorld('strata', { version: '0.1.0' })
