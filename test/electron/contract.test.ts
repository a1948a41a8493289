import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contract, eventNames, opNames, type Envelope } from '../../electron/contract.ts'
import { eventChannel, opChannel } from '../../electron/ipc-channels.ts'
import { handlers } from '../../electron/main/handlers/index.ts'
import { registerIpc, type IpcInvokeEvent, type IpcMainLike } from '../../electron/main/ipc.ts'
import type { AppLocation } from '../../electron/main/security.ts'
import { buildPreloadApi, type IpcRendererLike } from '../../electron/preload/api.ts'
import { createAppContext, type AppContext } from '../../electron/services/app-context.ts'
import { MemorySecretStore } from '../../electron/services/secret-store.ts'
import { fakeSpawner } from './supervisor/fake-process.ts'

const app: AppLocation = { kind: 'file', path: '/app/out/renderer/index.html' }
const trusted: IpcInvokeEvent = { senderFrame: { url: 'file:///app/out/renderer/index.html', parent: null } }

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: IpcInvokeEvent, args: unknown) => Promise<unknown>>()
  handle(channel: string, listener: (event: IpcInvokeEvent, args: unknown) => Promise<unknown>): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`)
    this.handlers.set(channel, listener)
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }
  call(channel: string, args: unknown, event: IpcInvokeEvent = trusted): Promise<Envelope<unknown>> {
    return this.handlers.get(channel)!(event, args) as Promise<Envelope<unknown>>
  }
}

describe('IPC contract', () => {
  let appContext: AppContext
  let ipc: FakeIpcMain
  let stateDir: string

  beforeAll(async () => {
    stateDir = await mkdtemp(path.join(tmpdir(), 'strata-contract-'))
    appContext = await createAppContext({
      mode: 'electron',
      version: '0.0.0-test',
      stateDir,
      spawn: fakeSpawner().spawn,
      brokerEntry: '/nowhere/strata.js',
      secrets: new MemorySecretStore(),
      emit: () => undefined,
    })
    ipc = new FakeIpcMain()
    registerIpc(ipc, appContext.dispatch, app)
  })
  afterAll(() => appContext.shutdown())

  it('has a handler for every entry and no handler without an entry', () => {
    expect(Object.keys(handlers).sort()).toEqual([...opNames].sort())
    expect(opNames.length).toBeGreaterThan(30)
  })

  it('registers every entry in main, on its own channel', () => {
    expect([...ipc.handlers.keys()].sort()).toEqual(opNames.map(opChannel).sort())
  })

  it('the preload exposes exactly one function per entry, plus `on` for events', async () => {
    const invoked: [string, unknown][] = []
    const subscribed: string[] = []
    const fake: IpcRendererLike = {
      invoke: async (channel, args) => {
        invoked.push([channel, args])
        return { ok: true, value: null }
      },
      on: (channel) => subscribed.push(channel),
      removeListener: () => undefined,
    }
    const api = buildPreloadApi(fake)
    expect(Object.keys(api).sort()).toEqual([...opNames, 'on'].sort())
    for (const name of opNames) expect(typeof api[name]).toBe('function')
    await (api['topics/list'] as (a: unknown) => Promise<unknown>)({ cluster: 'bundled' })
    expect(invoked).toEqual([[opChannel('topics/list'), { cluster: 'bundled' }]])
    const on = api['on'] as (event: string, listener: () => void) => () => void
    on('broker/status', () => undefined)
    expect(subscribed).toEqual([eventChannel('broker/status')])
    expect(() => on('not/an-event', () => undefined)).toThrow(/Unknown event/)
    expect(eventNames).toContain('messages/tail')
  })

  it('answers a valid call', async () => {
    const envelope = await ipc.call(opChannel('app/info'), {})
    expect(envelope).toEqual({
      ok: true,
      value: { version: '0.0.0-test', mode: 'electron', passwordsPersisted: false },
    })
    const status = await ipc.call(opChannel('broker/status'), {})
    expect(status.ok && (status.value as { state: string }).state).toBe('stopped')
  })

  it('refuses invalid arguments with a readable message naming the field', async () => {
    const cases: [string, unknown, RegExp][] = [
      [
        'topics/create',
        { cluster: 'bundled', name: 'ok', partitions: 0, replicationFactor: 1 },
        /partitions/,
      ],
      [
        'topics/create',
        { cluster: 'bundled', name: 'bad name!', partitions: 1, replicationFactor: 1 },
        /name: A topic name may contain only/,
      ],
      [
        'messages/read',
        { cluster: 'bundled', topic: 't', partition: null, from: { kind: 'offset', offset: 'abc' } },
        /from\.offset/,
      ],
      ['topics/list', 'not an object', /Invalid arguments/],
      ['app/openExternal', {}, /url/],
      ['broker/status', { extra: 1 }, /Invalid arguments/],
    ]
    for (const [name, args, message] of cases) {
      const envelope = await ipc.call(opChannel(name), args)
      expect(envelope.ok).toBe(false)
      if (!envelope.ok) {
        expect(envelope.error.code).toBe('invalid-argument')
        expect(envelope.error.message).toMatch(message)
      }
    }
  })

  it('refuses calls from an iframe, a foreign page, or an unknown sender', async () => {
    const senders: IpcInvokeEvent[] = [
      { senderFrame: { url: 'file:///app/out/renderer/index.html', parent: { url: 'x' } } },
      { senderFrame: { url: 'https://evil.example/', parent: null } },
      { senderFrame: null },
    ]
    for (const event of senders) {
      const envelope = await ipc.call(opChannel('broker/status'), {}, event)
      expect(envelope).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    }
  })

  it('reports back-end failures as structured errors', async () => {
    const envelope = await ipc.call(opChannel('topics/list'), { cluster: 'bundled' })
    expect(envelope).toMatchObject({ ok: false, error: { code: 'connection' } })
    if (!envelope.ok) expect(envelope.error.message).toMatch(/bundled broker is not running/)
    const unknown = await ipc.call(opChannel('topics/list'), { cluster: 'no-such-connection' })
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not-found' } })
    const link = await ipc.call(opChannel('app/openExternal'), { url: 'file:///etc/passwd' })
    expect(link).toMatchObject({ ok: false, error: { code: 'invalid-argument' } })
  })

  it('refuses an operation that is not in the contract', async () => {
    expect(await appContext.dispatch('topics/drop-everything', {})).toMatchObject({
      ok: false,
      error: { code: 'unknown-operation' },
    })
    expect(await appContext.dispatch('__proto__', {})).toMatchObject({
      ok: false,
      error: { code: 'unknown-operation' },
    })
  })

  it('keeps passwords out of the saved connections file', async () => {
    const config = {
      id: 'prod',
      name: 'Production',
      bootstrap: ['kafka.example:9093'],
      sasl: { mechanism: 'SCRAM-SHA-512' as const, username: 'alice' },
      tls: { enabled: true, caPem: null, rejectUnauthorized: true, serverName: null },
    }
    const saved = await ipc.call(opChannel('connections/save'), { config, password: 's3cret' })
    expect(saved).toEqual({ ok: true, value: { config, hasPassword: true } })
    const { readFile } = await import('node:fs/promises')
    const file = await readFile(path.join(stateDir, 'connections.json'), 'utf8')
    expect(file).toContain('kafka.example:9093')
    expect(file).not.toContain('s3cret')
    const listed = await ipc.call(opChannel('connections/list'), {})
    expect(listed).toEqual({ ok: true, value: [{ config, hasPassword: true }] })
    expect(JSON.stringify(listed)).not.toContain('s3cret')
    const reserved = await ipc.call(opChannel('connections/save'), { config: { ...config, id: 'bundled' } })
    expect(reserved).toMatchObject({ ok: false, error: { code: 'invalid-argument' } })
  })

  it('each entry has an argument schema', () => {
    for (const name of opNames) expect(typeof contract[name].args.safeParse).toBe('function')
  })
})
