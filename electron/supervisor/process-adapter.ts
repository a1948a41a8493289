// The one thing the supervisor needs from a process runtime: start the broker entry, read its output
// line by line, learn when it exits, and signal it. Electron's utilityProcess and node:child_process both
// fit behind it, so the supervisor itself never imports electron.
import type { ProcessExit } from './types.ts'

export type { ProcessExit }

/**
 * V8 flags for the broker process, as bin/strata.js's shebang passes them: a 16 MiB young generation keeps
 * in-flight requests from being promoted, which made a mark-compact every second under load and set the
 * latency tail (docs/performance.md, "Latency tail").
 */
export const BROKER_NODE_FLAGS: readonly string[] = ['--min-semi-space-size=16']

export interface SpawnRequest {
  /** Module to run: the same entry as `strata broker` (bin/strata.js, or its bundled copy). */
  entry: string
  args: string[]
  env: Record<string, string>
}

export interface ManagedProcess {
  readonly pid: number | undefined
  onLine(listener: (stream: 'stdout' | 'stderr', line: string) => void): void
  onExit(listener: (exit: ProcessExit) => void): void
  /** SIGTERM asks the broker to shut down cleanly; SIGKILL ends it at once. */
  kill(signal: 'SIGTERM' | 'SIGKILL'): void
}

export type SpawnProcess = (request: SpawnRequest) => ManagedProcess

/** Splits a byte stream into lines, keeping a partial last line until its newline arrives. */
export function lineSplitter(emit: (line: string) => void): {
  push(chunk: Buffer | string): void
  end(): void
} {
  let rest = ''
  return {
    push(chunk) {
      const text = rest + chunk.toString()
      const lines = text.split(/\r?\n/)
      rest = lines.pop() ?? ''
      for (const line of lines) emit(line)
    },
    end() {
      if (rest !== '') emit(rest)
      rest = ''
    },
  }
}
