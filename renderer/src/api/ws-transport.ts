// Web mode: the contract over one WebSocket to the server that served this page. Requests carry an id;
// the server answers with { id, envelope } and pushes events as { event, payload }. The token from the
// page URL authorizes the socket.
import type { Envelope, EventName, OpName } from '../../../electron/contract.ts'
import type { Transport } from './client.ts'

export type WsClientMessage = { id: number; op: OpName; args: unknown }
export type WsServerMessage =
  { id: number; envelope: Envelope<unknown> } | { event: EventName; payload: unknown }

export interface WsTransportOptions {
  url: string
  /** For tests outside a browser (e.g. the `ws` package's WebSocket). */
  WebSocketImpl?: typeof WebSocket
}

export function wsUrlFromLocation(location: { protocol: string; host: string; search: string }): string {
  const token = new URLSearchParams(location.search).get('token') ?? ''
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${location.host}/api?token=${encodeURIComponent(token)}`
}

export function wsTransport(options: WsTransportOptions): Transport & { close(): void } {
  const Impl = options.WebSocketImpl ?? WebSocket
  const pending = new Map<number, (envelope: Envelope<unknown>) => void>()
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  let nextId = 1
  let socket: WebSocket | null = null
  let opening: Promise<WebSocket> | null = null

  const failAll = (message: string): void => {
    for (const resolve of pending.values()) resolve({ ok: false, error: { code: 'connection', message } })
    pending.clear()
  }

  const connect = (): Promise<WebSocket> => {
    if (socket && socket.readyState === Impl.OPEN) return Promise.resolve(socket)
    opening ??= new Promise<WebSocket>((resolve, reject) => {
      const ws = new Impl(options.url)
      ws.onopen = () => {
        socket = ws
        opening = null
        resolve(ws)
      }
      ws.onerror = () => {
        opening = null
        reject(
          new Error(
            'Cannot reach the Strata server (is `npm run web` still running, and was the URL with its token used?)',
          ),
        )
      }
      ws.onclose = (event) => {
        socket = null
        opening = null
        failAll(`The connection to the Strata server closed${event.reason ? `: ${event.reason}` : ''}.`)
      }
      ws.onmessage = (event) => {
        const message = JSON.parse(String(event.data)) as WsServerMessage
        if ('id' in message) {
          pending.get(message.id)?.(message.envelope)
          pending.delete(message.id)
        } else listeners.get(message.event)?.forEach((l) => l(message.payload))
      }
    })
    return opening
  }

  return {
    async invoke(name, args) {
      let ws: WebSocket
      try {
        ws = await connect()
      } catch (error) {
        return { ok: false, error: { code: 'connection', message: (error as Error).message } }
      }
      const id = nextId++
      return new Promise<Envelope<unknown>>((resolve) => {
        pending.set(id, resolve)
        ws.send(JSON.stringify({ id, op: name, args } satisfies WsClientMessage))
      })
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      set.add(listener)
      // Events only flow on an open socket: open it now.
      void connect().catch(() => undefined)
      return () => set.delete(listener)
    },
    close() {
      socket?.close()
    },
  }
}
