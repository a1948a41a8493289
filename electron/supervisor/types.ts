// The supervisor's public shapes, free of node imports so the renderer can use them as types.
export type { LogLine } from './log-ring.ts'

export interface ProcessExit {
  /** Exit code, or null when the process died from a signal. */
  code: number | null
  signal: string | null
}

export type BrokerState = 'stopped' | 'starting' | 'running' | 'stopping' | 'crashed'

export type BrokerProblemCode = 'port-in-use' | 'data-dir' | 'start-timeout' | 'exited' | 'crash-loop'

export interface BrokerProblem {
  code: BrokerProblemCode
  /** What went wrong, in one sentence. */
  message: string
  /** What the user can do about it. */
  hint: string
}

export interface BrokerSettings {
  dataDir: string
  /** null: 9092 when free, else any free port (kept across restarts once known). */
  port: number | null
  host: string
}

export interface BrokerStatus {
  state: BrokerState
  pid: number | null
  settings: BrokerSettings
  /** The port the running broker listens on (from its ready line), or null. */
  port: number | null
  /** Bootstrap address for clients, when running. */
  bootstrap: string | null
  /** Crash restarts since the supervisor was created. */
  restarts: number
  lastExit: ProcessExit | null
  problem: BrokerProblem | null
  /** When a crash restart is scheduled: epoch ms it will happen at. */
  restartAt: number | null
  /** Epoch ms of the last state change. */
  since: number
}
