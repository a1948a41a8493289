// The supervisor with the child-process adapter and the real `strata broker`: crash and restart.
import { mkdtemp } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { BrokerSupervisor, type BrokerStatus } from '../../../electron/supervisor/broker-supervisor.ts'
import { childProcessSpawner } from '../../../electron/supervisor/child-process-adapter.ts'

const entry = path.resolve('bin/strata.js')

function nextStatus(sup: BrokerSupervisor, predicate: (s: BrokerStatus) => boolean): Promise<BrokerStatus> {
  return new Promise((resolve) => {
    const off = sup.onStatus((s) => {
      if (!predicate(s)) return
      off()
      resolve(s)
    })
  })
}

describe('BrokerSupervisor with the real broker', () => {
  const cleanups: (() => Promise<unknown>)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c()
  })

  async function supervisor(port: number | null): Promise<BrokerSupervisor> {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'strata-sup-real-'))
    const sup = new BrokerSupervisor({
      spawn: childProcessSpawner(),
      entry,
      settings: { dataDir, port, host: '127.0.0.1' },
      backoff: { initialMs: 100 },
    })
    cleanups.push(() => sup.stop())
    return sup
  }

  it('restarts the broker after SIGKILL on the same port and reports each state', async () => {
    const sup = await supervisor(null)
    const states: string[] = []
    sup.onStatus((s) => {
      if (states.at(-1) !== s.state) states.push(s.state)
    })
    const first = await sup.start()
    expect(first.state).toBe('running')
    expect(first.pid).toBeGreaterThan(0)
    expect(sup.logs().some((l) => /strata broker ready on/.test(l.text))).toBe(true)

    const crashed = nextStatus(sup, (s) => s.state === 'crashed')
    const running = nextStatus(sup, (s) => s.state === 'running' && s.pid !== first.pid)
    process.kill(first.pid!, 'SIGKILL')
    const crash = await crashed
    expect(crash.lastExit).toEqual({ code: null, signal: 'SIGKILL' })
    expect(crash.restartAt).not.toBeNull()
    const again = await running
    expect(again.port).toBe(first.port)
    expect(again.restarts).toBe(1)
    expect(states).toEqual(['starting', 'running', 'crashed', 'starting', 'running'])

    const stopped = await sup.stop()
    expect(stopped.state).toBe('stopped')
    // A clean stop: SIGTERM was enough, no forced kill and no restart.
    expect(stopped.lastExit?.signal).not.toBe('SIGKILL')
    expect(stopped.restartAt).toBeNull()
  })

  it('tells the user when the chosen port is taken', async () => {
    const blocker: Server = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()))
    cleanups.push(() => new Promise((r) => blocker.close(r)))
    const port = (blocker.address() as { port: number }).port
    const sup = await supervisor(port)
    const status = await sup.start()
    expect(status.state).toBe('crashed')
    expect(status.problem?.code).toBe('port-in-use')
    expect(status.problem?.message).toContain(String(port))
  })
})
