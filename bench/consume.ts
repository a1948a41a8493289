// Consume throughput: a librdkafka consumer (kcat, a separate process) reads data already on disk from the
// start, next to raw TCP throughput between two processes over loopback in the same run.
//
// kcat rather than confluent-kafka: Python builds an object and a copy of the value per message, which
// cost the Python consumer 2.1-2.6 CPU s per GiB, four times the broker's share; the figure then
// measured the client. kcat prints nothing per message (empty format) and exits at the partition's end.
import { spawn } from 'node:child_process'
import { startBroker } from '../test/helpers/broker-process.ts'
import { loopback } from './lib/baselines.ts'
import { cpuSeconds, runDriver } from './lib/procs.ts'
import { MB, progress, type Row } from './lib/report.ts'
import { createTopic } from './lib/topics.ts'

const RECORD_BYTES = 1024

export function consumeBytes(quick: boolean): number {
  return quick ? 128 * 1024 * 1024 : 1024 * 1024 * 1024
}

/**
 * Seconds for kcat to read the `count` records of partition 0 of `topic` from the beginning, from process
 * start (so connecting and the first metadata and offset lookups count too) to its exit after the last
 * one (-c). Not to the end-of-partition report: librdkafka makes that only when a fetch at the end comes
 * back empty, after fetch.wait.max.ms (500 ms) of long polling. -e still ends a read that finds fewer
 * records, and that is an error.
 */
export function kcatConsume(bootstrap: string, topic: string, count: number): Promise<number> {
  // As the former Python consumer: up to 8 MiB per partition and 50 MiB per fetch, 256 MiB queued.
  const args = ['-C', '-b', bootstrap, '-t', topic, '-p', '0', '-o', 'beginning', '-c', String(count), '-e']
  args.push('-f', '')
  for (const x of [
    'fetch.max.bytes=52428800',
    'max.partition.fetch.bytes=8388608',
    'queued.max.messages.kbytes=262144',
  ])
    args.push('-X', x)
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn('kcat', args, { stdio: ['ignore', 'ignore', 'pipe'] })
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000)
    let err = ''
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d))
    child.once('error', reject)
    child.once('close', (code) => {
      const seconds = (performance.now() - t0) / 1000
      clearTimeout(timer)
      // "% Reached end of topic T [0] at offset N: exiting": only if the partition held fewer than `count`.
      const end = /Reached end of topic .* at offset (\d+)/.exec(err)
      if (code !== 0 || (end !== null && Number(end[1]) < count)) {
        reject(new Error(`kcat exited ${code} before reading ${count} records: ${err.slice(-2000)}`))
        return
      }
      resolve(seconds)
    })
  })
}

export async function consumeBench(quick: boolean): Promise<Row[]> {
  const bytes = consumeBytes(quick)
  const count = Math.floor(bytes / RECORD_BYTES)
  const broker = await startBroker({ logLevel: 'warn' })
  await createTopic(broker.port, 'bench-consume', 1)
  const producer = ['--topic', 'bench-consume', '--size', String(RECORD_BYTES), '--count', String(count)]
  await runDriver(['produce', '--bootstrap', broker.bootstrap, ...producer])
  progress(`bench-consume: ${count} records written`)
  const pid = broker.child.pid as number
  const cpu0 = await cpuSeconds(pid)
  const seconds = await kcatConsume(broker.bootstrap, 'bench-consume', count)
  const brokerCpu = (await cpuSeconds(pid)) - cpu0
  await broker.stop()
  const mbps = (count * RECORD_BYTES) / MB / seconds
  const raw = await loopback(bytes)
  const ratio = mbps / raw
  return [
    {
      figure: `consume ${Math.round(bytes / 1024 / 1024)} MiB from disk`,
      value: mbps,
      unit: 'MB/s',
      reference: { label: 'raw loopback', value: raw, unit: 'MB/s' },
      ratio,
      target: { text: '>= 0.3 of loopback', pass: ratio >= 0.3 },
      detail: { seconds, brokerCpuSeconds: brokerCpu },
    },
  ]
}
