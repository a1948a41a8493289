// Picks the transport at start-up: the preload bridge inside Electron, else the web-mode WebSocket.
import { clientOver, type StrataClient } from './client.ts'
import { ipcTransport, type PreloadBridge } from './ipc-transport.ts'
import { wsTransport, wsUrlFromLocation } from './ws-transport.ts'

export function createClient(win: Window & { strata?: PreloadBridge } = window): StrataClient {
  if (win.strata) return clientOver(ipcTransport(win.strata))
  return clientOver(wsTransport({ url: wsUrlFromLocation(win.location) }))
}

export { StrataError, type StrataClient } from './client.ts'
