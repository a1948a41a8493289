import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import {
  BrokerSupervisor,
  backoffDelay,
  defaultBackoff,
  diagnoseExit,
  parseReadyLine,
  type BrokerStatus,
} from '../../../electron/supervisor/broker-supervisor.ts'
import { LogRing } from '../../../electron/supervisor/log-ring.ts'
import { lineSplitter } from '../../../electron/supervisor/process-adapter.ts'
import { fakeSpawner, ManualClock, type FakeProcess } from './fake-process.ts'

/** Lets the supervisor's async start steps (fs checks, port checks) run. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((r) => setImmediate(r))
  if (!condition()) throw new Error('condition never became true')
}

describe('BrokerSupervisor (fake process)', () => {
  let dataDir: string
  let clock: ManualClock
  let fake: ReturnType<typeof fakeSpawner>
  let freePorts: Set<number>
  let states: BrokerStatus['state'][]

  function make(port: number | null = 9300, backoff = {}): BrokerSupervisor {
    const sup = new BrokerSupervisor({
      spawn: fake.spawn,
      entry: '/app/bin/strata.js',
      settings: { dataDir, port, host: '127.0.0.1' },
      clock,
      backoff,
      startTimeoutMs: 5000,
      stopTimeoutMs: 2000,
      portFree: async (_host, p) => freePorts.has(p),
    })
    sup.onStatus((s) => states.push(s.state))
    return sup
  }

  function startedProcess(_sup: BrokerSupervisor, n = 1): Promise<FakeProcess> {
    return fake.nth(n)
  }

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'strata-sup-'))
    clock = new ManualClock()
    fake = fakeSpawner()
    freePorts = new Set([9092, 9300])
    states = []
  })

  it('starts the broker entry with its flags and is running once the ready line arrives', async () => {
    const sup = make()
    const started = sup.start()
    const p = await startedProcess(sup)
    expect(p.request.entry).toBe('/app/bin/strata.js')
    expect(p.request.args).toEqual(['broker', '--host', '127.0.0.1', '--port', '9300', '--data-dir', dataDir])
    expect(sup.status().state).toBe('starting')
    p.say('recovering logs')
    p.ready(9300)
    const status = await started
    expect(status.state).toBe('running')
    expect(status.port).toBe(9300)
    expect(status.bootstrap).toBe('127.0.0.1:9300')
    expect(status.pid).toBe(p.pid)
    expect(sup.logs().map((l) => l.text)).toContain('recovering logs')
  })

  it('restarts after a crash with a doubling backoff, and reports each state', async () => {
    const sup = make()
    void sup.start()
    const p1 = await startedProcess(sup)
    p1.ready(9300)
    p1.exit({ code: null, signal: 'SIGKILL' })
    let status = sup.status()
    expect(status.state).toBe('crashed')
    expect(status.problem?.message).toContain('SIGKILL')
    expect(status.restartAt).toBe(clock.now() + defaultBackoff.initialMs)
    clock.advance(defaultBackoff.initialMs)
    const p2 = await startedProcess(sup, 2)
    p2.exit({ code: 1, signal: null })
    expect(clock.pending()).toContain(defaultBackoff.initialMs * 2)
    clock.advance(defaultBackoff.initialMs * 2)
    const p3 = await startedProcess(sup, 3)
    p3.ready(9300)
    status = sup.status()
    expect(status.state).toBe('running')
    expect(status.restarts).toBe(2)
    expect(status.problem).toBeNull()
    const changes = states.filter((s, i) => s !== states[i - 1])
    expect(changes).toEqual(['starting', 'running', 'crashed', 'starting', 'crashed', 'starting', 'running'])
  })

  it('gives up after maxRestarts consecutive crashes and says so', async () => {
    const sup = make(9300, { maxRestarts: 2 })
    void sup.start()
    for (let n = 1; n <= 3; n++) {
      const p = await startedProcess(sup, n)
      p.say('fatal: something broke', 'stderr')
      p.exit({ code: 1, signal: null })
      if (n < 3) clock.advance(backoffDelay({ ...defaultBackoff, maxRestarts: 2 }, n))
    }
    const status = sup.status()
    expect(status.state).toBe('crashed')
    expect(status.problem?.code).toBe('crash-loop')
    expect(status.problem?.message).toContain('fatal: something broke')
    expect(status.restartAt).toBeNull()
    expect(clock.pending()).toEqual([])
  })

  it('forgets earlier crashes once the broker ran stably', async () => {
    const sup = make(9300, { maxRestarts: 1, stableMs: 1000 })
    void sup.start()
    const p1 = await startedProcess(sup)
    p1.ready(9300)
    p1.exit({ code: 1, signal: null })
    clock.advance(500)
    const p2 = await startedProcess(sup, 2)
    p2.ready(9300)
    clock.advance(1000)
    p2.exit({ code: 1, signal: null })
    expect(sup.status().problem?.code).toBe('exited')
    expect(sup.status().restartAt).not.toBeNull()
  })

  it('stops with SIGTERM, then SIGKILL when the broker does not exit in time, and does not restart', async () => {
    const sup = make()
    void sup.start()
    const p = await startedProcess(sup)
    p.ready(9300)
    const stopped = sup.stop()
    expect(sup.status().state).toBe('stopping')
    expect(p.signals).toEqual(['SIGTERM'])
    clock.advance(2000)
    expect(p.signals).toEqual(['SIGTERM', 'SIGKILL'])
    p.exit({ code: null, signal: 'SIGKILL' })
    const status = await stopped
    expect(status.state).toBe('stopped')
    expect(status.problem).toBeNull()
    expect(clock.pending()).toEqual([])
    expect(fake.spawned).toHaveLength(1)
  })

  it('stop cancels a scheduled crash restart', async () => {
    const sup = make()
    void sup.start()
    const p = await startedProcess(sup)
    p.exit({ code: 3, signal: null })
    expect(sup.status().restartAt).not.toBeNull()
    await sup.stop()
    expect(sup.status().state).toBe('stopped')
    expect(clock.pending()).toEqual([])
  })

  it('refuses a port that is taken and tells the user what to do, without starting a process', async () => {
    freePorts.delete(9300)
    const sup = make(9300)
    const status = await sup.start()
    expect(status.state).toBe('crashed')
    expect(status.problem?.code).toBe('port-in-use')
    expect(status.problem?.message).toContain('9300')
    expect(status.problem?.hint).toMatch(/another port/)
    expect(fake.spawned).toHaveLength(0)
    expect(clock.pending()).toEqual([])
  })

  it('in automatic mode takes 9092 when free, else lets the broker pick, and keeps the port it got', async () => {
    const sup = make(null)
    void sup.start()
    const p1 = await startedProcess(sup)
    expect(p1.request.args).toContain('9092')
    const stopped = sup.stop()
    p1.exit({ code: 0, signal: null })
    await stopped
    freePorts.delete(9092)
    freePorts.add(41234)
    void sup.start()
    const p2 = await startedProcess(sup, 2)
    expect(p2.request.args[p2.request.args.indexOf('--port') + 1]).toBe('0')
    p2.ready(41234)
    expect(sup.status().port).toBe(41234)
    p2.exit({ code: null, signal: 'SIGKILL' })
    clock.advance(defaultBackoff.initialMs)
    const p3 = await startedProcess(sup, 3)
    expect(p3.request.args[p3.request.args.indexOf('--port') + 1]).toBe('41234')
  })

  it('explains an unusable data directory without starting a process', async () => {
    const file = join(dataDir, 'a-file')
    await writeFile(file, 'x')
    const sup = make()
    await sup.configure({ dataDir: join(file, 'data') })
    const status = await sup.start()
    expect(status.state).toBe('crashed')
    expect(status.problem?.code).toBe('data-dir')
    expect(status.problem?.message).toContain(join(file, 'data'))
    expect(fake.spawned).toHaveLength(0)
  })

  it('reads EADDRINUSE from an early exit as a taken port and does not retry', async () => {
    const sup = make()
    const started = sup.start()
    const p = await startedProcess(sup)
    p.say('Error: listen EADDRINUSE: address already in use 127.0.0.1:9300', 'stderr')
    p.exit({ code: 1, signal: null })
    const status = await started
    expect(status.state).toBe('crashed')
    expect(status.problem?.code).toBe('port-in-use')
    expect(clock.pending()).toEqual([])
  })

  it('kills a broker that never reports ready and retries', async () => {
    const sup = make()
    void sup.start()
    const p = await startedProcess(sup)
    clock.advance(5000)
    expect(p.signals).toEqual(['SIGKILL'])
    p.exit({ code: null, signal: 'SIGKILL' })
    expect(sup.status().problem?.code).toBe('start-timeout')
    expect(sup.status().restartAt).not.toBeNull()
  })

  it('configure while running restarts with the new settings', async () => {
    const sup = make()
    void sup.start()
    const p1 = await startedProcess(sup)
    p1.ready(9300)
    const configured = sup.configure({ port: 9092 })
    await until(() => p1.signals.length > 0)
    p1.exit({ code: 0, signal: null })
    const p2 = await startedProcess(sup, 2)
    expect(p2.request.args).toContain('9092')
    p2.ready(9092)
    expect((await configured).port).toBe(9092)
  })

  it('streams log lines to listeners with increasing sequence numbers', async () => {
    const sup = make()
    const seen: string[] = []
    sup.onLog((l) => seen.push(`${l.stream}:${l.text}`))
    void sup.start()
    const p = await startedProcess(sup)
    p.say('hello', 'stderr')
    expect(seen.at(-1)).toBe('stderr:hello')
    const all = sup.logs()
    expect(all.map((l) => l.seq)).toEqual([...all.map((l) => l.seq)].sort((a, b) => a - b))
    expect(sup.logs(all.at(-2)!.seq).map((l) => l.text)).toEqual(['hello'])
  })
})

describe('supervisor helpers', () => {
  it('parses the ready line', () => {
    expect(parseReadyLine('strata broker ready on 127.0.0.1:9092 (data: /x y)')).toEqual({
      host: '127.0.0.1',
      port: 9092,
    })
    expect(parseReadyLine('strata broker ready on [::1]:1234')).toEqual({ host: '[::1]', port: 1234 })
    expect(parseReadyLine('listening soon')).toBeNull()
  })

  it('doubles the backoff up to the cap', () => {
    const p = { ...defaultBackoff, initialMs: 100, maxMs: 1000 }
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(p, n))).toEqual([100, 200, 400, 800, 1000, 1000])
  })

  it('diagnoses permission errors as a data directory problem', () => {
    const settings = { dataDir: '/d', port: 1, host: 'h' }
    expect(diagnoseExit(['Error: EACCES: permission denied, open /d/x'], settings, 1).code).toBe('data-dir')
    expect(diagnoseExit(['boom'], settings, 1).code).toBe('exited')
  })

  it('keeps only the newest lines in the ring', () => {
    const ring = new LogRing(3)
    for (let i = 1; i <= 5; i++) ring.push('stdout', `l${i}`, i)
    expect(ring.lines().map((l) => l.text)).toEqual(['l3', 'l4', 'l5'])
    expect(ring.lines(4).map((l) => l.text)).toEqual(['l5'])
    expect(ring.lines(0, 1).map((l) => l.text)).toEqual(['l5'])
  })

  it('splits chunks into lines', () => {
    const lines: string[] = []
    const s = lineSplitter((l) => lines.push(l))
    s.push('a\nb')
    s.push('c\r\nd')
    s.end()
    expect(lines).toEqual(['a', 'bc', 'd'])
  })
})
