// The renderer's WebSocket transport against a scripted socket: request ids, envelopes, events, and
// what a call gets when the server goes away.
import { describe, expect, it } from 'vitest'
import { clientOver, StrataError } from '../../../renderer/src/api/client.ts'
import { wsTransport, wsUrlFromLocation } from '../../../renderer/src/api/ws-transport.ts'

class FakeSocket {
  static readonly OPEN = 1
  static last: FakeSocket | null = null
  readonly url: string
  readyState = 0
  sent: string[] = []
  onopen: (() => void) | null = null
  onerror: (() => void) | null = null
  onclose: ((e: { reason: string }) => void) | null = null
  onmessage: ((e: { data: string }) => void) | null = null

  constructor(url: string) {
    this.url = url
    FakeSocket.last = this
    queueMicrotask(() => {
      this.readyState = FakeSocket.OPEN
      this.onopen?.()
    })
  }
  send(text: string): void {
    this.sent.push(text)
  }
  close(): void {
    this.readyState = 3
    this.onclose?.({ reason: 'bye' })
  }
  reply(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) })
  }
}

const Impl = FakeSocket as unknown as typeof WebSocket

describe('ws transport', () => {
  it('builds the API URL from the page URL and its token', () => {
    expect(wsUrlFromLocation({ protocol: 'http:', host: '127.0.0.1:4000', search: '?token=a%2Bb' })).toBe(
      'ws://127.0.0.1:4000/api?token=a%2Bb',
    )
  })

  it('matches answers to calls, unwraps values and throws StrataError for failures', async () => {
    const client = clientOver(wsTransport({ url: 'ws://x/api?token=t', WebSocketImpl: Impl }))
    const info = client.call('app/info', {})
    const bad = client.call('topics/list', { cluster: 'nope' })
    await new Promise((r) => setTimeout(r, 0))
    const socket = FakeSocket.last!
    const [first, second] = socket.sent.map((s) => JSON.parse(s) as { id: number; op: string })
    expect(first!.op).toBe('app/info')
    socket.reply({
      id: second!.id,
      envelope: { ok: false, error: { code: 'not-found', message: 'No saved connection' } },
    })
    socket.reply({
      id: first!.id,
      envelope: { ok: true, value: { version: '1', mode: 'web', passwordsPersisted: false } },
    })
    expect(await info).toEqual({ version: '1', mode: 'web', passwordsPersisted: false })
    const error = await bad.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StrataError)
    expect((error as StrataError).code).toBe('not-found')
  })

  it('delivers events and fails pending calls when the socket closes', async () => {
    const client = clientOver(wsTransport({ url: 'ws://x/api?token=t', WebSocketImpl: Impl }))
    const states: string[] = []
    client.on('broker/status', (s) => states.push(s.state))
    const pending = client.call('broker/status', {})
    await new Promise((r) => setTimeout(r, 0))
    const socket = FakeSocket.last!
    socket.reply({ event: 'broker/status', payload: { state: 'running' } })
    expect(states).toEqual(['running'])
    socket.close()
    const error = await pending.catch((e: unknown) => e)
    expect((error as StrataError).code).toBe('connection')
  })
})
