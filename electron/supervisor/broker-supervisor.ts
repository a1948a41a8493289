// Supervises the bundled broker process: start, stop, restart, crash restarts with backoff, the last log
// lines, and a plain explanation when it cannot start. No electron import: the process runtime comes in
// through a SpawnProcess adapter (utilityProcess in the app, child_process in web mode and tests).
import { access, constants, mkdir } from 'node:fs/promises'
import type { ManagedProcess, ProcessExit, SpawnProcess } from './process-adapter.ts'
import type { BrokerProblem, BrokerSettings, BrokerState, BrokerStatus } from './types.ts'
import { LogRing, type LogLine } from './log-ring.ts'
import { isPortFree } from './free-port.ts'

export type { BrokerProblem, BrokerSettings, BrokerState, BrokerStatus }

export interface Clock {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface BackoffPolicy {
  initialMs: number
  maxMs: number
  /** Consecutive crashes after which the supervisor stops restarting. */
  maxRestarts: number
  /** Running this long resets the consecutive-crash count. */
  stableMs: number
}

export interface SupervisorOptions {
  spawn: SpawnProcess
  /** The broker entry module (bin/strata.js or its bundled copy); run with `broker` and flags. */
  entry: string
  settings: BrokerSettings
  env?: Record<string, string>
  backoff?: Partial<BackoffPolicy>
  startTimeoutMs?: number
  stopTimeoutMs?: number
  logCapacity?: number
  clock?: Clock
  /** Port check before starting; the default tries to listen on it. */
  portFree?: (host: string, port: number) => Promise<boolean>
}

const READY_LINE = /strata broker ready on (.+):(\d+)(?:\s|$)/
const DEFAULT_PORT = 9092

export const defaultBackoff: BackoffPolicy = {
  initialMs: 500,
  maxMs: 30_000,
  maxRestarts: 5,
  stableMs: 60_000,
}

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/** Delay before crash restart number `attempt` (1-based): doubling from initialMs, capped at maxMs. */
export function backoffDelay(policy: BackoffPolicy, attempt: number): number {
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempt - 1))
}

export function parseReadyLine(line: string): { host: string; port: number } | null {
  const match = READY_LINE.exec(line)
  if (!match?.[1] || !match[2]) return null
  return { host: match[1], port: Number(match[2]) }
}

/** Reads the broker's last words for a cause the user can act on. */
export function diagnoseExit(
  lines: readonly string[],
  settings: BrokerSettings,
  port: number,
): BrokerProblem {
  const text = lines.join('\n')
  if (/EADDRINUSE|address already in use/i.test(text)) return portInUse(settings.host, port)
  if (/EACCES|EPERM|EROFS|ENOTDIR|permission denied|read-only file system/i.test(text))
    return dataDirProblem(settings.dataDir, lastMatching(lines, /EACCES|EPERM|EROFS|ENOTDIR|permission/i))
  const last = lastMatching(lines, /error|fatal/i) ?? lines.at(-1) ?? 'no output'
  return {
    code: 'exited',
    message: `The broker stopped unexpectedly: ${last}`,
    hint: 'See the broker log below. Strata restarts it automatically; if it keeps failing, try another data directory.',
  }
}

function lastMatching(lines: readonly string[], pattern: RegExp): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) if (pattern.test(lines[i] ?? '')) return lines[i]
  return undefined
}

function portInUse(host: string, port: number): BrokerProblem {
  return {
    code: 'port-in-use',
    message: `Port ${port} on ${host} is already in use by another program.`,
    hint: 'Choose another port in the broker settings (or "automatic"), or stop the program using that port.',
  }
}

function dataDirProblem(dir: string, detail: string | undefined): BrokerProblem {
  return {
    code: 'data-dir',
    message: `The data directory ${dir} cannot be read or written${detail ? ` (${detail})` : ''}.`,
    hint: 'Choose a data directory you can write to in the broker settings, or fix its permissions.',
  }
}

async function checkDataDir(dir: string): Promise<BrokerProblem | null> {
  try {
    await mkdir(dir, { recursive: true })
    await access(dir, constants.R_OK | constants.W_OK | constants.X_OK)
    return null
  } catch (error) {
    return dataDirProblem(dir, error instanceof Error ? error.message : String(error))
  }
}

type Listener<T> = (value: T) => void

export class BrokerSupervisor {
  readonly #spawn: SpawnProcess
  readonly #entry: string
  readonly #env: Record<string, string>
  readonly #backoff: BackoffPolicy
  readonly #startTimeoutMs: number
  readonly #stopTimeoutMs: number
  readonly #clock: Clock
  readonly #portFree: (host: string, port: number) => Promise<boolean>
  readonly #logs: LogRing
  readonly #statusListeners = new Set<Listener<BrokerStatus>>()
  readonly #logListeners = new Set<Listener<LogLine>>()

  #settings: BrokerSettings
  #state: BrokerState = 'stopped'
  #since: number
  #child: ManagedProcess | null = null
  #port: number | null = null
  /** In automatic mode, the port the broker got last time: preferred on restart so clients keep working. */
  #autoPort: number | null = null
  #restarts = 0
  #consecutiveCrashes = 0
  #lastExit: ProcessExit | null = null
  #problem: BrokerProblem | null = null
  #restartAt: number | null = null
  #restartTimer: unknown = null
  #startTimer: unknown = null
  #stableTimer: unknown = null
  #killTimer: unknown = null
  #stopRequested = false
  /** Output of the current process, for diagnosing an early exit. */
  #recent: string[] = []
  #exitWaiters: (() => void)[] = []

  constructor(options: SupervisorOptions) {
    this.#spawn = options.spawn
    this.#entry = options.entry
    this.#settings = { ...options.settings }
    this.#env = options.env ?? {}
    this.#backoff = { ...defaultBackoff, ...options.backoff }
    this.#startTimeoutMs = options.startTimeoutMs ?? 30_000
    this.#stopTimeoutMs = options.stopTimeoutMs ?? 10_000
    this.#clock = options.clock ?? realClock
    this.#portFree = options.portFree ?? isPortFree
    this.#logs = new LogRing(options.logCapacity ?? 2000)
    this.#since = this.#clock.now()
  }

  status(): BrokerStatus {
    return {
      state: this.#state,
      pid: this.#child?.pid ?? null,
      settings: { ...this.#settings },
      port: this.#state === 'running' ? this.#port : null,
      bootstrap:
        this.#state === 'running' && this.#port !== null ? `${this.#settings.host}:${this.#port}` : null,
      restarts: this.#restarts,
      lastExit: this.#lastExit,
      problem: this.#problem,
      restartAt: this.#restartAt,
      since: this.#since,
    }
  }

  logs(afterSeq = 0, limit?: number): LogLine[] {
    return this.#logs.lines(afterSeq, limit)
  }

  onStatus(listener: Listener<BrokerStatus>): () => void {
    this.#statusListeners.add(listener)
    return () => this.#statusListeners.delete(listener)
  }

  onLog(listener: Listener<LogLine>): () => void {
    this.#logListeners.add(listener)
    return () => this.#logListeners.delete(listener)
  }

  /** Starts the broker; resolves once it is running or could not start (see status().problem). */
  async start(): Promise<BrokerStatus> {
    if (this.#state === 'running' || this.#state === 'starting') return this.#settled()
    if (this.#state === 'stopping') await this.#waitForExit()
    this.#cancelRestart()
    this.#consecutiveCrashes = 0
    await this.#launch()
    return this.#settled()
  }

  /** Stops the broker cleanly (SIGTERM, then SIGKILL after the stop timeout); no restart follows. */
  async stop(): Promise<BrokerStatus> {
    this.#cancelRestart()
    const child = this.#child
    if (!child) {
      if (this.#state !== 'stopped') this.#setState('stopped')
      return this.status()
    }
    this.#stopRequested = true
    this.#setState('stopping')
    this.#log('supervisor', 'stopping the broker')
    child.kill('SIGTERM')
    this.#killTimer = this.#clock.setTimeout(() => {
      this.#log('supervisor', `the broker did not stop within ${this.#stopTimeoutMs} ms: killing it`)
      child.kill('SIGKILL')
    }, this.#stopTimeoutMs)
    await this.#waitForExit()
    return this.status()
  }

  async restart(): Promise<BrokerStatus> {
    await this.stop()
    return this.start()
  }

  /** New data directory or port: takes effect now if the broker runs (it restarts), else on next start. */
  async configure(settings: Partial<BrokerSettings>): Promise<BrokerStatus> {
    const wasActive = this.#state === 'running' || this.#state === 'starting'
    if (wasActive) await this.stop()
    this.#settings = { ...this.#settings, ...settings }
    this.#autoPort = null
    this.#problem = null
    if (wasActive) return this.start()
    this.#emitStatus()
    return this.status()
  }

  async #launch(): Promise<void> {
    this.#stopRequested = false
    this.#problem = null
    this.#port = null
    this.#recent = []
    this.#setState('starting')
    const { dataDir, host } = this.#settings

    const dirProblem = await checkDataDir(dataDir)
    if (dirProblem) return this.#failBeforeSpawn(dirProblem)

    const port = await this.#choosePort()
    if (port === null) return this.#failBeforeSpawn(portInUse(host, this.#settings.port ?? DEFAULT_PORT))
    // A stop() during the checks wins.
    if (this.#stopRequested || this.#state !== 'starting') return

    const args = ['broker', '--host', host, '--port', String(port), '--data-dir', dataDir]
    this.#log('supervisor', `starting the broker: ${args.join(' ')}`)
    const child = this.#spawn({ entry: this.#entry, args, env: { ...this.#env } })
    this.#child = child
    child.onLine((stream, line) => this.#onLine(child, stream, line))
    child.onExit((exit) => this.#onExit(child, exit, port))
    this.#startTimer = this.#clock.setTimeout(() => {
      if (this.#child !== child || this.#state !== 'starting') return
      this.#problem = {
        code: 'start-timeout',
        message: `The broker did not report ready within ${Math.round(this.#startTimeoutMs / 1000)} s.`,
        hint: 'See the broker log below; a large data directory can take longer to recover after a crash.',
      }
      this.#log('supervisor', this.#problem.message)
      child.kill('SIGKILL')
    }, this.#startTimeoutMs)
    this.#emitStatus()
  }

  async #choosePort(): Promise<number | null> {
    const { host, port } = this.#settings
    if (port !== null) return (await this.#portFree(host, port)) ? port : null
    for (const candidate of [this.#autoPort, DEFAULT_PORT]) {
      if (candidate !== null && (await this.#portFree(host, candidate))) return candidate
    }
    return 0
  }

  #failBeforeSpawn(problem: BrokerProblem): void {
    this.#problem = problem
    this.#log('supervisor', `${problem.message} ${problem.hint}`)
    this.#setState('crashed')
  }

  #onLine(child: ManagedProcess, stream: 'stdout' | 'stderr', line: string): void {
    if (child !== this.#child) return
    this.#recent.push(line)
    if (this.#recent.length > 50) this.#recent.shift()
    this.#log(stream, line)
    if (this.#state !== 'starting') return
    const ready = parseReadyLine(line)
    if (!ready) return
    this.#clearTimer('start')
    this.#port = ready.port
    if (this.#settings.port === null) this.#autoPort = ready.port
    this.#problem = null
    this.#setState('running')
    this.#stableTimer = this.#clock.setTimeout(() => {
      this.#consecutiveCrashes = 0
    }, this.#backoff.stableMs)
  }

  #onExit(child: ManagedProcess, exit: ProcessExit, port: number): void {
    if (child !== this.#child) return
    this.#child = null
    this.#lastExit = exit
    this.#clearTimer('start')
    this.#clearTimer('stable')
    this.#clearTimer('kill')
    const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`
    this.#log('supervisor', `the broker exited with ${how}`)
    if (this.#stopRequested) {
      this.#setState('stopped')
    } else {
      this.#onCrash(exit, port)
    }
    const waiters = this.#exitWaiters
    this.#exitWaiters = []
    waiters.forEach((w) => w())
  }

  #onCrash(exit: ProcessExit, port: number): void {
    const wasStarting = this.#state === 'starting'
    this.#restarts++
    this.#consecutiveCrashes++
    if (!this.#problem) {
      const diagnosed = diagnoseExit(this.#recent, this.#settings, this.#port ?? port)
      this.#problem =
        exit.signal && diagnosed.code === 'exited'
          ? { ...diagnosed, message: `The broker was ended by ${exit.signal}.` }
          : diagnosed
    }
    // Restarting cannot fix a taken port or an unusable data directory: the user must act.
    const userMustAct =
      wasStarting && (this.#problem.code === 'port-in-use' || this.#problem.code === 'data-dir')
    if (!userMustAct && this.#consecutiveCrashes > this.#backoff.maxRestarts) {
      this.#problem = {
        code: 'crash-loop',
        message: `The broker crashed ${this.#consecutiveCrashes} times in a row: ${this.#problem.message}`,
        hint: 'Strata stopped restarting it. See the broker log, then start it again or choose another data directory.',
      }
    }
    if (userMustAct || this.#problem.code === 'crash-loop') {
      this.#setState('crashed')
      return
    }
    const delay = backoffDelay(this.#backoff, this.#consecutiveCrashes)
    this.#restartAt = this.#clock.now() + delay
    this.#log('supervisor', `restarting the broker in ${delay} ms`)
    this.#restartTimer = this.#clock.setTimeout(() => {
      this.#restartTimer = null
      this.#restartAt = null
      void this.#launch()
    }, delay)
    this.#setState('crashed')
  }

  #cancelRestart(): void {
    if (this.#restartTimer !== null) this.#clock.clearTimeout(this.#restartTimer)
    this.#restartTimer = null
    this.#restartAt = null
  }

  #clearTimer(which: 'start' | 'stable' | 'kill'): void {
    const handle =
      which === 'start' ? this.#startTimer : which === 'stable' ? this.#stableTimer : this.#killTimer
    if (handle !== null) this.#clock.clearTimeout(handle)
    if (which === 'start') this.#startTimer = null
    else if (which === 'stable') this.#stableTimer = null
    else this.#killTimer = null
  }

  #waitForExit(): Promise<void> {
    if (!this.#child) return Promise.resolve()
    return new Promise((resolve) => this.#exitWaiters.push(resolve))
  }

  /** Resolves at the next state that ends a start: running, crashed or stopped. */
  #settled(): Promise<BrokerStatus> {
    if (this.#state !== 'starting') return Promise.resolve(this.status())
    return new Promise((resolve) => {
      const off = this.onStatus((status) => {
        if (status.state === 'starting') return
        off()
        resolve(status)
      })
    })
  }

  #setState(state: BrokerState): void {
    this.#state = state
    this.#since = this.#clock.now()
    this.#emitStatus()
  }

  #emitStatus(): void {
    const status = this.status()
    for (const listener of this.#statusListeners) listener(status)
  }

  #log(stream: LogLine['stream'], text: string): void {
    const line = this.#logs.push(stream, text, this.#clock.now())
    for (const listener of this.#logListeners) listener(line)
  }
}
