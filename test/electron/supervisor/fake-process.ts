// A scripted stand-in for a broker process and a manual clock, for the supervisor's unit tests.
import type {
  ManagedProcess,
  ProcessExit,
  SpawnProcess,
  SpawnRequest,
} from '../../../electron/supervisor/process-adapter.ts'
import type { Clock } from '../../../electron/supervisor/broker-supervisor.ts'

export class FakeProcess implements ManagedProcess {
  readonly pid: number
  readonly request: SpawnRequest
  readonly signals: string[] = []
  #lines: ((stream: 'stdout' | 'stderr', line: string) => void)[] = []
  #exits: ((exit: ProcessExit) => void)[] = []
  exited = false

  constructor(pid: number, request: SpawnRequest) {
    this.pid = pid
    this.request = request
  }

  onLine(listener: (stream: 'stdout' | 'stderr', line: string) => void): void {
    this.#lines.push(listener)
  }

  onExit(listener: (exit: ProcessExit) => void): void {
    this.#exits.push(listener)
  }

  kill(signal: 'SIGTERM' | 'SIGKILL'): void {
    this.signals.push(signal)
  }

  say(line: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
    this.#lines.forEach((l) => l(stream, line))
  }

  ready(port: number): void {
    this.say(`strata broker ready on 127.0.0.1:${port} (data: /tmp/x)`)
  }

  exit(exit: ProcessExit): void {
    this.exited = true
    this.#exits.forEach((l) => l(exit))
  }
}

export function fakeSpawner(): {
  spawn: SpawnProcess
  spawned: FakeProcess[]
  /** Resolves with the n-th spawned process (1-based) once it exists. */
  nth(n: number): Promise<FakeProcess>
} {
  const spawned: FakeProcess[] = []
  const waiters: (() => void)[] = []
  const spawn: SpawnProcess = (request) => {
    const p = new FakeProcess(1000 + spawned.length, request)
    spawned.push(p)
    waiters.splice(0).forEach((w) => w())
    return p
  }
  const nth = async (n: number): Promise<FakeProcess> => {
    while (spawned.length < n) await new Promise<void>((resolve) => waiters.push(resolve))
    return spawned[n - 1]!
  }
  return { spawn, spawned, nth }
}

/** Timers fire only when the test advances the clock. */
export class ManualClock implements Clock {
  #now = 1_000_000
  #timers = new Map<number, { at: number; fn: () => void }>()
  #next = 1

  now(): number {
    return this.#now
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.#next++
    this.#timers.set(id, { at: this.#now + ms, fn })
    return id
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number)
  }

  /** Pending timer delays from now, soonest first. */
  pending(): number[] {
    return [...this.#timers.values()].map((t) => t.at - this.#now).sort((a, b) => a - b)
  }

  advance(ms: number): void {
    const target = this.#now + ms
    for (;;) {
      const due = [...this.#timers.entries()]
        .filter(([, t]) => t.at <= target)
        .sort((a, b) => a[1].at - b[1].at)[0]
      if (!due) break
      this.#timers.delete(due[0])
      this.#now = due[1].at
      due[1].fn()
    }
    this.#now = target
  }
}
