// Electron: the preload's window.strata (one function per contract entry, plus `on`).
import type { Envelope, EventName, OpName } from '../../../electron/contract.ts'
import type { Transport } from './client.ts'

export type PreloadBridge = { [N in OpName]: (args: unknown) => Promise<Envelope<unknown>> } & {
  on(event: EventName, listener: (payload: unknown) => void): () => void
}

export function ipcTransport(bridge: PreloadBridge): Transport {
  return {
    invoke: (name, args) => bridge[name](args),
    on: (event, listener) => bridge.on(event, listener),
  }
}
