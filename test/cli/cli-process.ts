// Runs the real `strata` command line as a child process (`node bin/strata.js <args>`), as a user would,
// with optional stdin, and resolves with its exit code and output.
import { spawn, type ChildProcess } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const LAUNCHER = path.join(ROOT, 'bin', 'strata.js')

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface CliOptions {
  input?: string | Buffer
  env?: Record<string, string>
}

/** Starts the CLI; the caller reads its streams or sends signals. */
export function spawnCli(args: string[], opts: CliOptions = {}): ChildProcess {
  // The compile cache spares each run most of the cost of loading the Kafka client's modules again.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_COMPILE_CACHE: path.join(os.tmpdir(), 'strata-cli-test-compile-cache'),
    ...opts.env,
  }
  delete env.STRATA_BOOTSTRAP_SERVER
  if (opts.env?.STRATA_BOOTSTRAP_SERVER) env.STRATA_BOOTSTRAP_SERVER = opts.env.STRATA_BOOTSTRAP_SERVER
  return spawn(process.execPath, [LAUNCHER, ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] })
}

export function collect(child: ChildProcess, input?: string | Buffer): Promise<CliResult> {
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d))
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  // The CLI may exit before reading all of stdin (a usage error): that is not a test failure.
  child.stdin?.on('error', () => undefined)
  child.stdin?.end(input ?? '')
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
}

export function cli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return collect(spawnCli(args, opts), opts.input)
}

/** Stderr is exactly one line, the way every failure is reported. */
export function oneLine(stderr: string): boolean {
  return stderr.trimEnd().split('\n').length === 1
}

/** The names of the APIs the broker serves (ApiVersions), to test what it supports at the time. */
export async function brokerApis(bootstrap: string): Promise<Set<string>> {
  const { Admin } = await import('@platformatic/kafka')
  const admin = new Admin({ clientId: 'strata-cli-test', bootstrapBrokers: [bootstrap], retries: 0 })
  try {
    return new Set((await admin.listApis()).map((a) => a.name))
  } finally {
    await admin.close()
  }
}
