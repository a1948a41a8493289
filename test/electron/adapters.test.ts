import { EventEmitter } from 'node:events'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { describe, expect, it, vi } from 'vitest'
import type { UtilityProcess } from 'electron'
import { SafeStorageSecretStore } from '../../electron/main/safe-storage-secrets.ts'
import { forwardBrokerEvents } from '../../electron/services/broker-events.ts'
import { BrokerSupervisor } from '../../electron/supervisor/broker-supervisor.ts'
import { utilityProcessSpawner, type Fork } from '../../electron/supervisor/utility-process-adapter.ts'
import { fakeSpawner } from './supervisor/fake-process.ts'

class FakeUtility extends EventEmitter {
  pid = 4242
  stdout = new PassThrough()
  stderr = new PassThrough()
  kill = vi.fn(() => true)
}

describe('utilityProcess adapter', () => {
  it('forks the entry with piped output and the broker V8 flags, splits lines, and reports exit', async () => {
    const child = new FakeUtility()
    const fork = vi.fn(() => child as unknown as UtilityProcess)
    const proc = utilityProcessSpawner(fork as unknown as Fork)({
      entry: '/app/out/main/broker.js',
      args: ['broker', '--port', '0'],
      env: { A: '1' },
    })
    expect(fork).toHaveBeenCalledWith(
      '/app/out/main/broker.js',
      ['broker', '--port', '0'],
      expect.objectContaining({ stdio: 'pipe', env: { A: '1' }, execArgv: ['--min-semi-space-size=16'] }),
    )
    expect(proc.pid).toBe(4242)
    const lines: string[] = []
    proc.onLine((stream, line) => lines.push(`${stream}:${line}`))
    const exits: unknown[] = []
    proc.onExit((e) => exits.push(e))
    child.stdout.write('strata broker ready on 127.0.0.1:9092 (data: /d)\npart')
    child.stderr.write('warn\n')
    await new Promise((r) => setImmediate(r))
    proc.kill('SIGTERM')
    expect(child.kill).toHaveBeenCalledOnce()
    child.emit('exit', 0)
    expect(lines).toEqual([
      'stdout:strata broker ready on 127.0.0.1:9092 (data: /d)',
      'stderr:warn',
      'stdout:part',
    ])
    expect(exits).toEqual([{ code: 0, signal: null }])
  })
})

describe('broker events to the renderer', () => {
  it('sends state changes at once and log lines in batches', async () => {
    const { spawn, nth } = fakeSpawner()
    const sup = new BrokerSupervisor({
      spawn,
      entry: 'x',
      settings: { dataDir: await mkdtemp(path.join(tmpdir(), 'strata-ev-')), port: 9555, host: '127.0.0.1' },
      portFree: async () => true,
    })
    const sent: { event: string; payload: unknown }[] = []
    const stop = forwardBrokerEvents(sup, (event, payload) => sent.push({ event, payload }), {
      intervalMs: 10,
      maxLines: 3,
    })
    void sup.start()
    const p = await nth(1)
    for (let i = 0; i < 10; i++) p.say(`line ${i}`)
    await new Promise((r) => setTimeout(r, 30))
    const logs = sent.filter((s) => s.event === 'broker/log').map((s) => s.payload as { text: string }[])
    expect(logs).toHaveLength(1)
    expect(logs[0]!.map((l) => l.text)).toEqual(['line 7', 'line 8', 'line 9', '(8 log lines skipped)'])
    expect(sent.some((s) => s.event === 'broker/status')).toBe(true)
    stop()
  })
})

describe('safeStorage secrets', () => {
  const crypto = {
    isEncryptionAvailable: () => true,
    encryptString: (s: string) => Buffer.from(s.split('').reverse().join('') + '#sealed'),
    decryptString: (b: Buffer) =>
      b
        .toString()
        .replace(/#sealed$/, '')
        .split('')
        .reverse()
        .join(''),
  }

  it('stores only encrypted passwords in its file', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'strata-sec-')), 'secrets.json')
    const store = new SafeStorageSecretStore(file, crypto)
    expect(store.persistent).toBe(true)
    await store.set('prod', 'hunter2')
    expect(await readFile(file, 'utf8')).not.toContain('hunter2')
    expect(await new SafeStorageSecretStore(file, crypto).get('prod')).toBe('hunter2')
    await store.delete('prod')
    expect(await store.get('prod')).toBeNull()
  })

  it('keeps passwords in memory only when the OS offers no encryption', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'strata-sec-')), 'secrets.json')
    const store = new SafeStorageSecretStore(file, { ...crypto, isEncryptionAvailable: () => false })
    expect(store.persistent).toBe(false)
    await store.set('prod', 'hunter2')
    expect(await store.get('prod')).toBe('hunter2')
    await expect(readFile(file, 'utf8')).rejects.toThrow()
  })
})
