// Starts the REAL broker (`bin/strata.js broker`) as a child process on a free loopback port, for
// compatibility and end-to-end tests. Every broker started here is killed when the test process exits.
//
//   const broker = await startBroker({ config: { 'num.partitions': '3' } })
//   ... connect clients to broker.bootstrap ...
//   await broker.stop()
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const LAUNCHER = path.join(ROOT, 'bin', 'strata.js')
const READY = /^strata broker ready on (.+):(\d+) \(data: (.*)\)$/m
const BROKER_NODE_FLAGS = ['--min-semi-space-size=16']
const LISTENER = /^strata broker listener (\S+) (\S+) on (.+):(\d+)$/gm

export interface StartBrokerOptions {
  /** Broker configs with Kafka's names, passed as --config key=value. */
  config?: Record<string, string>
  /** Reuse a data directory (restart tests); a fresh temp dir otherwise, removed on exit. */
  dataDir?: string
  /** Fixed port; 0 (any free port) by default. */
  port?: number
  logLevel?: string
  /** How long to wait for the ready line. */
  startTimeoutMs?: number
}

export interface BoundListener {
  name: string
  securityProtocol: string
  host: string
  port: number
}

export interface RunningBroker {
  /** The first listener's address. */
  host: string
  port: number
  /** Every listener (several with --config listeners=A://...,B://...), in `listeners` order. */
  listeners: BoundListener[]
  /** 'host:port' for client bootstrap settings. */
  bootstrap: string
  dataDir: string
  /** The process, for tests that send signals themselves. */
  child: ChildProcess
  /** Everything the broker wrote to stderr so far (JSON log lines). */
  stderr(): string
  /** SIGTERM, then wait for the exit; resolves with the exit code. */
  stop(): Promise<number | null>
  /** Resolves with the exit code (null when killed by a signal) once the process has ended. */
  exited(): Promise<number | null>
  /** Sends a signal (SIGKILL for crash tests) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<number | null>
  /** Stops (SIGTERM) and starts again on the same data directory and port; returns the new broker. */
  restart(): Promise<RunningBroker>
}

const live = new Set<ChildProcess>()
const tempDirs = new Set<string>()
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL')
  for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true })
})

/** Resolves with the exit code once the process exited and its output is fully read ('close'). */
function waitExit(child: ChildProcess, closed: Promise<void>): Promise<number | null> {
  return closed.then(() => child.exitCode)
}

export async function startBroker(opts: StartBrokerOptions = {}): Promise<RunningBroker> {
  let dataDir = opts.dataDir
  if (!dataDir) {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-broker-'))
    tempDirs.add(dataDir)
  }
  const args = [
    LAUNCHER,
    'broker',
    '--host',
    '127.0.0.1',
    '--port',
    String(opts.port ?? 0),
    '--data-dir',
    dataDir,
  ]
  // If this test process dies without cleaning up (even by SIGKILL), the broker's stdin closes and it stops.
  args.push('--stop-on-stdin-close', '--log-level', opts.logLevel ?? 'info')
  for (const [k, v] of Object.entries(opts.config ?? {})) args.push('--config', `${k}=${v}`)
  // The V8 flag `strata broker` starts with (bin/strata.js shebang; docs/performance.md, Latency tail).
  const child = spawn(process.execPath, [...BROKER_NODE_FLAGS, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    cwd: ROOT,
  })
  live.add(child)
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()))
  child.once('exit', () => {
    live.delete(child)
    // Our end of its stdin stays open otherwise, and 'close' would never come.
    child.stdin?.destroy()
  })
  let out = ''
  let err = ''
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    err += d
  })

  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`broker did not get ready in time\nstdout:\n${out}\nstderr:\n${err}`))
    }, opts.startTimeoutMs ?? 20_000)
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d
      const m = READY.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m)
      }
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(
        new Error(
          `broker exited before ready (code ${code}, signal ${signal})\nstdout:\n${out}\nstderr:\n${err}`,
        ),
      )
    })
  })

  const host = (ready[1] as string).replace(/^\[(.*)\]$/, '$1')
  const port = Number(ready[2])
  const listeners = [...out.matchAll(LISTENER)].map((m) => ({
    name: m[1] as string,
    securityProtocol: m[2] as string,
    host: (m[3] as string).replace(/^\[(.*)\]$/, '$1'),
    port: Number(m[4]),
  }))
  // One listener prints no listener line; its name is the configured one (standard names = protocols).
  if (listeners.length === 0) {
    const name =
      /^\s*([A-Za-z0-9_]+):\/\//.exec(opts.config?.listeners ?? '')?.[1]?.toUpperCase() ?? 'PLAINTEXT'
    listeners.push({ name, securityProtocol: name, host, port })
  }
  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    return waitExit(child, closed)
  }
  const broker: RunningBroker = {
    host,
    port,
    listeners,
    bootstrap: `${host}:${port}`,
    dataDir,
    child,
    stderr: () => err,
    stop: () => kill('SIGTERM'),
    exited: () => waitExit(child, closed),
    kill,
    restart: async () => {
      await kill('SIGTERM')
      return startBroker({ ...opts, dataDir, port })
    },
  }
  return broker
}
