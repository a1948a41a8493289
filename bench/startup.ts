// Start-up: process start to the broker's ready line, with an empty data directory and with 1,000
// partitions holding data (5 GB in the full run), next to a bare Node start in the same run: the same node
// binary started on a script file (bench/lib/bare-ready.js) and timed to its ready line the same way.
// bench/run.ts has bundled the command line first, as `npm install` does.
import { spawn } from 'node:child_process'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startBroker } from '../test/helpers/broker-process.ts'
import { median, memoryMiB, runDriver, timeProcess } from './lib/procs.ts'
import { progress, type Row } from './lib/report.ts'
import { createTopic } from './lib/topics.ts'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)))
const LAUNCHER = join(ROOT, 'bin', 'strata.js')
const BARE = join(ROOT, 'bench', 'lib', 'bare-ready.js')
const READY = /ready on/

function brokerArgs(dir: string): string[] {
  return [LAUNCHER, 'broker', '--host', '127.0.0.1', '--port', '0', '--data-dir', dir, '--log-level', 'warn']
}

/** Resident memory (MiB) of a broker started from `args`, a second after its ready line. */
async function idleRss(args: string[]): Promise<number> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] })
  await new Promise<void>((r) => {
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d
      if (READY.test(out)) r()
    })
  })
  await new Promise((r) => setTimeout(r, 1000))
  const { rss } = await memoryMiB(child.pid as number)
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  await exited
  return rss
}

/** Runs `fn` with the launcher told to ignore the bundle and type-strip the sources, as a fresh edit does. */
async function fromSources<T>(fn: () => Promise<T>): Promise<T> {
  const before = process.env['STRATA_SOURCES']
  process.env['STRATA_SOURCES'] = '1'
  try {
    return await fn()
  } finally {
    if (before === undefined) delete process.env['STRATA_SOURCES']
    else process.env['STRATA_SOURCES'] = before
  }
}

async function timeRuns(runs: number, args: () => Promise<string[]>, ready: RegExp): Promise<number> {
  const ms: number[] = []
  for (let i = 0; i < runs; i++) ms.push(await timeProcess(await args(), ready))
  return median(ms)
}

/**
 * Medians of the bare Node start and of the broker's start on fresh empty directories, taken in turns: the
 * machine's load drifts (other work shares the cores), and alternating keeps the ratio between the two fair.
 */
async function timeBareAndEmpty(runs: number, emptyArgs: () => string[]): Promise<[number, number]> {
  const bare: number[] = []
  const empty: number[] = []
  // One unmeasured start first: it fills V8's compile cache for a freshly built bundle.
  await timeProcess(emptyArgs(), READY)
  for (let i = 0; i < runs; i++) {
    bare.push(await timeProcess([BARE], READY))
    empty.push(await timeProcess(emptyArgs(), READY))
  }
  return [median(bare), median(empty)]
}

export async function startupBench(quick: boolean): Promise<Row[]> {
  const runs = quick ? 5 : 11
  const tmp = await mkdtemp(join(tmpdir(), 'strata-bench-start-'))
  let n = 0
  const [bare, empty] = await timeBareAndEmpty(runs, () => brokerArgs(join(tmp, `empty-${n++}`)))
  const emptyRss = await idleRss(brokerArgs(join(tmp, `empty-${n++}`)))
  const sources = await fromSources(() =>
    timeRuns(runs, async () => brokerArgs(join(tmp, `empty-${n++}`)), READY),
  )
  progress(
    `bare node ${bare.toFixed(0)} ms, empty dir ${empty.toFixed(0)} ms, from sources ${sources.toFixed(0)} ms`,
  )

  // 1,000 partitions filled through the broker itself, then restarted on the same directory.
  const gb = quick ? 0.05 : 5
  const full = join(tmp, 'full')
  const broker = await startBroker({ logLevel: 'warn', dataDir: full })
  await createTopic(broker.port, 'bench-start', 1000)
  progress('1000 partitions created')
  const count = Math.round((gb * 1e9) / 1024)
  const written = await runDriver([
    'produce',
    '--bootstrap',
    broker.bootstrap,
    '--topic',
    'bench-start',
    '--partitions',
    '1000',
    '--size',
    '1024',
    '--count',
    String(count),
  ])
  await broker.stop()
  if (written.undelivered !== 0) {
    throw new Error(
      `filling bench-start: ${written.undelivered} records undelivered ${String(written.errors)}`,
    )
  }
  progress(`${gb} GB written in ${Number(written.seconds).toFixed(0)} s`)
  const filled = await timeRuns(runs, async () => brokerArgs(full), READY)
  await rm(tmp, { recursive: true, force: true })
  const ratio = empty / bare
  return [
    {
      figure: 'start to ready, empty dir',
      value: empty,
      unit: 'ms',
      reference: { label: 'bare node', value: bare, unit: 'ms' },
      ratio,
      target: { text: '< 3x bare node', pass: ratio < 3 },
    },
    {
      figure: 'start to ready, empty dir, from sources',
      value: sources,
      unit: 'ms',
      reference: { label: 'bare node', value: bare, unit: 'ms' },
      ratio: sources / bare,
    },
    {
      figure: 'memory idle (RSS), empty dir',
      value: emptyRss,
      unit: 'MiB',
      target: { text: '< 100 MB', pass: emptyRss * 1.048576 < 100 },
    },
    {
      figure: `start to ready, 1000 partitions ${gb} GB`,
      value: filled,
      unit: 'ms',
      reference: { label: 'bare node', value: bare, unit: 'ms' },
      ratio: filled / bare,
    },
  ]
}
