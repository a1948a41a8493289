// Broker benchmark (prints, never asserts), all against the real broker process:
//   1. time from process start to the ready line, next to a bare `node -e 0` start in the same run;
//   2. resident memory when idle with 100 partitions (one topic of 100 partitions, a little data in each);
//   3. produce throughput of 1 KiB records through kcat (librdkafka) with acks=1, uncompressed and lz4.
//   node bench/broker.ts [records=200000]
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { encodeCreateTopicsRequest } from '../broker/protocol/generated/create-topics-request.ts'
import { decodeCreateTopicsResponse } from '../broker/protocol/generated/create-topics-response.ts'
import { startBroker } from '../test/helpers/broker-process.ts'
import { RawClient } from '../test/helpers/raw-client.ts'

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)))
const LAUNCHER = join(ROOT, 'bin', 'strata.js')
const RECORDS = Number(process.argv[2] ?? 200_000)
const RUNS = 5
const MiB = 1024 * 1024

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] as number
}

/** Milliseconds from spawn until `done` says the output is complete (or the process exits). */
function timeProcess(args: string[], ready: RegExp | null): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now()
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d
      if (ready !== null && ready.test(out)) {
        const ms = performance.now() - t0
        child.once('exit', () => resolvePromise(ms))
        child.kill('SIGTERM')
      }
    })
    child.once('error', reject)
    child.once('exit', () => {
      if (ready === null) resolvePromise(performance.now() - t0)
    })
  })
}

async function startupTimes(): Promise<void> {
  const bare: number[] = []
  const fresh: number[] = []
  const existing: number[] = []
  const dirs: string[] = []
  for (let i = 0; i < RUNS; i++) {
    bare.push(await timeProcess(['-e', '0'], null))
    const dir = await mkdtemp(join(tmpdir(), 'strata-bench-start-'))
    dirs.push(dir)
    const args = [
      LAUNCHER,
      'broker',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--data-dir',
      dir,
      '--log-level',
      'warn',
    ]
    fresh.push(await timeProcess(args, /ready on/))
    existing.push(await timeProcess(args, /ready on/))
  }
  for (const d of dirs) await rm(d, { recursive: true, force: true })
  console.log(`start to ready (median of ${RUNS}):`)
  console.log(`  node -e 0                      ${median(bare).toFixed(0)} ms`)
  console.log(`  strata broker, new data dir    ${median(fresh).toFixed(0)} ms`)
  console.log(`  strata broker, existing dir    ${median(existing).toFixed(0)} ms`)
}

async function rssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN)
}

async function idleMemory(): Promise<void> {
  const broker = await startBroker({ logLevel: 'warn' })
  const pid = broker.child.pid as number
  const before = await rssKiB(pid)
  const c = await RawClient.connect(broker.port)
  c.send(
    RawClient.frame(19, 7, 1, (w) =>
      encodeCreateTopicsRequest(
        w,
        { topics: [{ name: 'bench-100', numPartitions: 100, replicationFactor: 1 }], timeoutMs: 30_000 },
        7,
      ),
    ),
  )
  const res = decodeCreateTopicsResponse(RawClient.parse(await c.next(), 19, 7).body, 7)
  c.close()
  if (res.topics[0]?.errorCode !== 0) throw new Error(`CreateTopics failed: ${res.topics[0]?.errorMessage}`)
  const lines = Array.from({ length: 100 * 20 }, (_, i) => `k${i}:${'v'.repeat(200)}`).join('\n') + '\n'
  await runKcat(['-b', broker.bootstrap, '-P', '-t', 'bench-100', '-K', ':'], lines)
  await new Promise((r) => setTimeout(r, 3000))
  const idle = await rssKiB(pid)
  await broker.kill('SIGKILL')
  console.log('resident memory (VmRSS):')
  console.log(`  idle broker, no topics         ${(before / 1024).toFixed(1)} MiB`)
  console.log(`  idle, 100 partitions with data ${(idle / 1024).toFixed(1)} MiB`)
}

function runKcat(args: string[], input: string | null, stdinFile?: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('/usr/bin/kcat', args, { stdio: ['pipe', 'ignore', 'pipe'] })
    let err = ''
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d))
    child.once('exit', (code) =>
      code === 0 ? resolvePromise() : reject(new Error(`kcat exited ${code}: ${err}`)),
    )
    if (stdinFile !== undefined) {
      void readFile(stdinFile).then((b) => child.stdin.end(b))
    } else {
      child.stdin.end(input ?? '')
    }
  })
}

async function produceThroughput(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-bench-produce-'))
  const file = join(dir, 'records.txt')
  // 1 KiB values (1023 characters and the newline kcat splits on).
  const line = Buffer.alloc(1024, 'x')
  line[1023] = 0x0a
  await writeFile(file, Buffer.concat(Array.from({ length: RECORDS }, () => line)))
  const broker = await startBroker({ logLevel: 'warn', config: { 'num.partitions': '4' } })
  const bytes = RECORDS * 1024
  console.log(`produce, ${RECORDS} records of 1 KiB through kcat (librdkafka 2.0.2), acks=1:`)
  for (const codec of ['none', 'lz4']) {
    const t0 = performance.now()
    await runKcat(
      [
        '-b',
        broker.bootstrap,
        '-P',
        '-t',
        `bench-${codec}`,
        '-z',
        codec,
        '-X',
        'acks=1',
        '-X',
        'linger.ms=5',
      ],
      null,
      file,
    )
    const s = (performance.now() - t0) / 1000
    console.log(
      `  ${codec.padEnd(5)} ${(bytes / MiB / s).toFixed(1)} MB/s (${(RECORDS / s).toFixed(0)} records/s, ${s.toFixed(2)} s)`,
    )
  }
  await broker.kill('SIGKILL')
  await rm(dir, { recursive: true, force: true })
}

await startupTimes()
await idleMemory()
await produceThroughput()
