// What the preload puts on window.strata: exactly one function per contract entry (returning the
// call's envelope) and `on` for the contract's events. Nothing else of Node or Electron is exposed.
import { eventNames, opNames, type EventName } from '../contract.ts'
import { eventChannel, opChannel } from '../ipc-channels.ts'

/** The part of Electron's ipcRenderer used here (a fake in tests). */
export interface IpcRendererLike {
  invoke(channel: string, args: unknown): Promise<unknown>
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown
}

export type PreloadApi = Record<string, (...args: never[]) => unknown>

export function buildPreloadApi(ipc: IpcRendererLike): PreloadApi {
  const api: PreloadApi = {}
  for (const name of opNames) api[name] = (args: unknown) => ipc.invoke(opChannel(name), args)
  api['on'] = (event: EventName, listener: (payload: unknown) => void) => {
    if (!eventNames.includes(event)) throw new Error(`Unknown event "${String(event)}".`)
    if (typeof listener !== 'function') throw new Error('The listener must be a function.')
    const wrapped = (_event: unknown, payload: unknown): void => listener(payload)
    ipc.on(eventChannel(event), wrapped)
    return () => void ipc.removeListener(eventChannel(event), wrapped)
  }
  return api
}
