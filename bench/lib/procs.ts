// Child processes for the benchmarks: the librdkafka driver (bench/lib/driver.py), timing a process to its
// ready line, and a process's resident memory and CPU time from /proc.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

const DRIVER = fileURLToPath(new URL('./driver.py', import.meta.url))
const PYTHON = '/usr/bin/python3'

export type DriverResult = Record<string, number | string | boolean | null | string[]>

/** Runs one driver workload to completion (killed after `timeoutMs`) and returns the JSON line it printed. */
export function runDriver(args: string[], timeoutMs = 600_000): Promise<DriverResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [DRIVER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d))
    child.once('error', reject)
    child.once('close', (code) => {
      clearTimeout(timer)
      const last = out.trim().split('\n').pop() ?? ''
      if (code !== 0 || last === '') {
        reject(new Error(`driver ${args[0]} exited ${code}: ${err.slice(-2000)}`))
        return
      }
      resolve(JSON.parse(last) as DriverResult)
    })
  })
}

/** A long-lived driver process; `line()` resolves with each JSON line it prints, in order. */
export interface LiveDriver {
  child: ChildProcess
  line(): Promise<DriverResult>
}

export function spawnDriver(args: string[], stdin: 'pipe' | 'ignore' = 'ignore'): LiveDriver {
  const child = spawn(PYTHON, [DRIVER, ...args], { stdio: [stdin, 'pipe', 'pipe'] })
  const lines: DriverResult[] = []
  const waiting: ((r: DriverResult) => void)[] = []
  let buf = ''
  let err = ''
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d))
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    buf += d
    let nl: number
    while ((nl = buf.indexOf('\n')) >= 0) {
      const obj = JSON.parse(buf.slice(0, nl)) as DriverResult
      buf = buf.slice(nl + 1)
      const w = waiting.shift()
      if (w) w(obj)
      else lines.push(obj)
    }
  })
  return {
    child,
    line: () =>
      new Promise((resolve, reject) => {
        const ready = lines.shift()
        if (ready) return resolve(ready)
        waiting.push(resolve)
        child.once('close', (code) =>
          reject(new Error(`driver ${args[0]} exited ${code}: ${err.slice(-2000)}`)),
        )
      }),
  }
}

/** Milliseconds from spawn until stdout matches `ready`; the process is then stopped. */
export function timeProcess(args: string[], ready: RegExp): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] })
    let out = ''
    let ms = -1
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d
      if (ms < 0 && ready.test(out)) {
        ms = performance.now() - t0
        child.kill('SIGTERM')
      }
    })
    child.once('error', reject)
    // 'close', not 'exit': a process that prints and exits at once may exit before its output is read.
    child.once('close', (code) => {
      if (ms >= 0) resolve(ms)
      else reject(new Error(`${args.join(' ')} exited ${code} before its ready line`))
    })
  })
}

/** Current and peak resident set of a process, in MiB. */
export async function memoryMiB(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const kib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN)
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 }
}

/** User + system CPU seconds a process has used so far (from /proc). */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] as number
}
