// Runs the broker entry as an Electron utility process (the desktop app's way). The main process passes
// `utilityProcess.fork` in, so this file holds no runtime electron import and can be tested with a fake.
import type { ForkOptions, UtilityProcess } from 'electron'
import type { ManagedProcess, ProcessExit, SpawnProcess, SpawnRequest } from './process-adapter.ts'
import { BROKER_NODE_FLAGS, lineSplitter } from './process-adapter.ts'

export type Fork = (modulePath: string, args?: string[], options?: ForkOptions) => UtilityProcess

export function utilityProcessSpawner(fork: Fork): SpawnProcess {
  return (request: SpawnRequest): ManagedProcess => {
    const child = fork(request.entry, request.args, {
      env: request.env,
      stdio: 'pipe',
      execArgv: [...BROKER_NODE_FLAGS],
      serviceName: 'Strata broker',
    })
    const lineListeners: ((stream: 'stdout' | 'stderr', line: string) => void)[] = []
    const exitListeners: ((exit: ProcessExit) => void)[] = []
    const out = lineSplitter((line) => lineListeners.forEach((l) => l('stdout', line)))
    const err = lineSplitter((line) => lineListeners.forEach((l) => l('stderr', line)))
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk))
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk))
    let exited = false
    // A utility process reports only an exit code; a kill we sent is remembered to report its signal.
    let sentSignal: string | null = null
    child.on('exit', (code) => {
      if (exited) return
      exited = true
      out.end()
      err.end()
      const exit: ProcessExit =
        sentSignal === 'SIGKILL' ? { code: null, signal: 'SIGKILL' } : { code, signal: null }
      exitListeners.forEach((l) => l(exit))
    })
    return {
      get pid() {
        return child.pid
      },
      onLine: (listener) => void lineListeners.push(listener),
      onExit: (listener) => void exitListeners.push(listener),
      kill: (signal) => {
        if (exited) return
        sentSignal = signal
        // utilityProcess.kill() sends SIGTERM; a forced stop needs the pid.
        if (signal === 'SIGKILL' && child.pid !== undefined) process.kill(child.pid, 'SIGKILL')
        else child.kill()
      },
    }
  }
}
