// Runs the broker entry with node:child_process: web mode and the tests use it.
import { spawn, type ChildProcess } from 'node:child_process'
import type { ManagedProcess, ProcessExit, SpawnProcess, SpawnRequest } from './process-adapter.ts'
import { BROKER_NODE_FLAGS, lineSplitter } from './process-adapter.ts'

const live = new Set<ChildProcess>()
let exitHookInstalled = false

/** If this process exits without stopping the broker (an uncaught error), do not leave it orphaned. */
function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const child of live) child.kill('SIGTERM')
  })
}

/** `nodePath` defaults to the Node running this process (Node 24 from node_modules under npm scripts). */
export function childProcessSpawner(nodePath: string = process.execPath): SpawnProcess {
  return (request: SpawnRequest): ManagedProcess => {
    const child = spawn(nodePath, [...BROKER_NODE_FLAGS, request.entry, ...request.args], {
      env: request.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    installExitHook()
    live.add(child)
    child.once('exit', () => live.delete(child))
    const lineListeners: ((stream: 'stdout' | 'stderr', line: string) => void)[] = []
    const exitListeners: ((exit: ProcessExit) => void)[] = []
    const out = lineSplitter((line) => lineListeners.forEach((l) => l('stdout', line)))
    const err = lineSplitter((line) => lineListeners.forEach((l) => l('stderr', line)))
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
    let exited = false
    const finish = (exit: ProcessExit): void => {
      if (exited) return
      exited = true
      out.end()
      err.end()
      exitListeners.forEach((l) => l(exit))
    }
    // 'close' fires after the pipes drained, so no output line arrives after the exit event.
    child.on('close', (code, signal) => finish({ code, signal }))
    child.on('error', (error) => {
      lineListeners.forEach((l) => l('stderr', `failed to start the broker process: ${error.message}`))
      finish({ code: null, signal: null })
    })
    return {
      get pid() {
        return child.pid
      },
      onLine: (listener) => void lineListeners.push(listener),
      onExit: (listener) => void exitListeners.push(listener),
      kill: (signal) => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      },
    }
  }
}
