// Produce throughput through librdkafka (a separate process): 1 KiB and 100-byte records, acks=1 and
// acks=all, 1 and 8 partitions, each next to raw sequential disk writes of the same bytes in the same run.
// Also the broker's resident memory: idle right after start, and the peak over the produce runs.
import { startBroker } from '../test/helpers/broker-process.ts'
import { rawDiskWrite } from './lib/baselines.ts'
import { memoryMiB, runDriver } from './lib/procs.ts'
import { MB, progress, type Row } from './lib/report.ts'
import { createTopic } from './lib/topics.ts'

export interface ProduceCase {
  size: number
  acks: '1' | 'all'
  partitions: number
  count: number
}

export function produceCases(quick: boolean): ProduceCase[] {
  const cases: ProduceCase[] = []
  for (const size of [1024, 100])
    for (const acks of ['1', 'all'] as const)
      for (const partitions of [1, 8]) {
        const bytes = (quick ? 64 : 512) * MB
        // 100-byte records are client-bound (one Python call each); fewer keep the run short.
        const count = Math.round(size === 100 ? bytes / size / 8 : bytes / size)
        cases.push({ size, acks, partitions, count })
      }
  return cases
}

export function caseName(c: ProduceCase): string {
  return `produce ${c.size === 1024 ? '1 KiB' : `${c.size} B`} acks=${c.acks} ${c.partitions}p`
}

export async function runProduceCase(bootstrap: string, topic: string, c: ProduceCase) {
  const r = await runDriver([
    'produce',
    '--bootstrap',
    bootstrap,
    '--topic',
    topic,
    '--partitions',
    String(c.partitions),
    '--size',
    String(c.size),
    '--count',
    String(c.count),
    '--acks',
    c.acks,
  ])
  if (r.undelivered !== 0)
    throw new Error(`${topic}: ${r.undelivered} records undelivered ${String(r.errors)}`)
  const s = r.seconds as number
  return { mbps: (c.count * c.size) / MB / s, rps: c.count / s, seconds: s }
}

export async function produceBench(quick: boolean): Promise<Row[]> {
  const broker = await startBroker({ logLevel: 'warn' })
  const pid = broker.child.pid as number
  await new Promise((r) => setTimeout(r, 1000))
  const idle = await memoryMiB(pid)
  // Warm-up, so the first measured case does not pay for the broker's JIT compilation: the request-level
  // code runs once per ~1 MB request, and 20 MB of warm-up left the first case ~10% below the later ones.
  await createTopic(broker.port, 'bench-warmup', 1)
  await runProduceCase(broker.bootstrap, 'bench-warmup', {
    size: 1024,
    acks: '1',
    partitions: 1,
    count: (quick ? 64 : 256) * 1024,
  })
  const rows: Row[] = []
  let i = 0
  for (const c of produceCases(quick)) {
    const topic = `bench-produce-${i++}`
    await createTopic(broker.port, topic, c.partitions)
    const bytes = c.count * c.size
    const r = await runProduceCase(broker.bootstrap, topic, c)
    progress(`${caseName(c)}: ${r.mbps.toFixed(1)} MB/s`)
    // Raw disk right after each case, same bytes, same filesystem: noise on a shared machine hits both alike.
    const raw = await rawDiskWrite(broker.dataDir, bytes)
    const ratio = r.mbps / raw
    const row: Row = {
      figure: caseName(c),
      value: r.mbps,
      unit: `MB/s (${Math.round(r.rps)} rec/s)`,
      reference: { label: 'raw disk write', value: raw, unit: 'MB/s' },
      ratio,
      detail: { ...c, ...r },
    }
    if (c.size === 1024 && c.acks === '1' && c.partitions === 1)
      row.target = { text: '>= 0.35 of raw disk', pass: ratio >= 0.35 }
    rows.push(row)
  }
  const peak = await memoryMiB(pid)
  await broker.stop()
  rows.push({
    figure: 'memory idle (RSS)',
    value: idle.rss,
    unit: 'MiB',
    target: { text: '< 100 MB', pass: idle.rss * 1.048576 < 100 },
  })
  rows.push({ figure: 'memory peak while producing', value: peak.peak, unit: 'MiB' })
  return rows
}
