// Registers one IPC handler per contract entry. Each call is checked to come from the app's own
// top-level frame before its arguments reach the dispatcher (which validates them).
import { opNames } from '../contract.ts'
import { opChannel } from '../ipc-channels.ts'
import type { Dispatch } from './dispatch.ts'
import { isTrustedSender, type AppLocation, type SenderFrame } from './security.ts'

export interface IpcInvokeEvent {
  senderFrame: SenderFrame | null
}

/** The part of Electron's ipcMain used here (a fake in tests). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEvent, args: unknown) => Promise<unknown>): void
  removeHandler(channel: string): void
}

export function registerIpc(ipc: IpcMainLike, dispatch: Dispatch, app: AppLocation): () => void {
  for (const name of opNames) {
    ipc.handle(opChannel(name), async (event, args) => {
      if (!isTrustedSender(event.senderFrame, app))
        return {
          ok: false,
          error: { code: 'forbidden', message: 'Refused: the call did not come from the Strata window.' },
        }
      return dispatch(name, args)
    })
  }
  return () => opNames.forEach((name) => ipc.removeHandler(opChannel(name)))
}
