// End-to-end latency: a librdkafka producer at a fixed 10,000 records/s of 1 KiB stamps each record with the
// wall clock; a librdkafka consumer in another process reads them as they arrive and reports percentiles.
// The first second of records (same rate) is warm-up and not counted (bench/lib/driver.py --warmup).
import { startBroker } from '../test/helpers/broker-process.ts'
import { runDriver, spawnDriver } from './lib/procs.ts'
import type { Row } from './lib/report.ts'
import { createTopic } from './lib/topics.ts'

const WARMUP_SECONDS = 1

export interface Latency {
  count: number
  p50: number
  p99: number
  p999: number
  max: number
}

export async function measureLatency(bootstrap: string, topic: string, seconds: number): Promise<Latency> {
  const consumer = spawnDriver(['latency-consume', '--bootstrap', bootstrap, '--topic', topic])
  await consumer.line()
  const p = ['--bootstrap', bootstrap, '--topic', topic, '--rate', '10000', '--seconds', String(seconds)]
  p.push('--warmup', String(WARMUP_SECONDS))
  await runDriver(['latency-produce', ...p, '--size', '1024'])
  return (await consumer.line()) as unknown as Latency
}

export async function latencyBench(quick: boolean): Promise<Row[]> {
  const seconds = quick ? 5 : 30
  const broker = await startBroker({ logLevel: 'warn' })
  await createTopic(broker.port, 'bench-latency', 1)
  const l = await measureLatency(broker.bootstrap, 'bench-latency', seconds)
  await broker.stop()
  const detail = { ...l, seconds, warmupSeconds: WARMUP_SECONDS }
  return [
    { figure: `latency p50 (10k rec/s, ${seconds} s)`, value: l.p50, unit: 'ms', detail },
    { figure: 'latency p99', value: l.p99, unit: 'ms', target: { text: '< 5 ms', pass: l.p99 < 5 } },
    { figure: 'latency p99.9', value: l.p999, unit: 'ms' },
    { figure: 'latency max', value: l.max, unit: 'ms' },
  ]
}
