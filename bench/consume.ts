// Consume throughput: a librdkafka consumer (separate process) reads data already on disk from the start,
// next to raw TCP throughput between two processes over loopback in the same run.
import { startBroker } from '../test/helpers/broker-process.ts'
import { loopback } from './lib/baselines.ts'
import { runDriver } from './lib/procs.ts'
import { MB, progress, type Row } from './lib/report.ts'
import { createTopic } from './lib/topics.ts'

export function consumeBytes(quick: boolean): number {
  return quick ? 128 * 1024 * 1024 : 1024 * 1024 * 1024
}

/** Fills `topic` partition 0 with 1 KiB records, then times reading them all back ; MB/s. */
export async function fillAndConsume(bootstrap: string, topic: string, bytes: number): Promise<number> {
  const count = Math.floor(bytes / 1024)
  await runDriver([
    'produce',
    '--bootstrap',
    bootstrap,
    '--topic',
    topic,
    '--size',
    '1024',
    '--count',
    String(count),
  ])
  progress(`${topic}: ${count} records written`)
  const r = await runDriver([
    'consume',
    '--bootstrap',
    bootstrap,
    '--topic',
    topic,
    '--bytes',
    String(count * 1024),
  ])
  if ((r.bytes as number) < count * 1024) throw new Error(`consumed ${r.bytes} of ${count * 1024} bytes`)
  return (r.bytes as number) / MB / (r.seconds as number)
}

export async function consumeBench(quick: boolean): Promise<Row[]> {
  const bytes = consumeBytes(quick)
  const broker = await startBroker({ logLevel: 'warn' })
  await createTopic(broker.port, 'bench-consume', 1)
  const mbps = await fillAndConsume(broker.bootstrap, 'bench-consume', bytes)
  await broker.stop()
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
    },
  ]
}
