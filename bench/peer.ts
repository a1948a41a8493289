// A peer measured in the same run with the same client and workloads: librdkafka's in-memory mock cluster
// (test.mock.num.brokers). It cannot create topics (no CreateTopics), and auto-creates 4 partitions, so the
// peer runs the 1-partition produce cases (to partition 0) and latency. No consume figure: the mock keeps
// only the last few MB of a partition in memory.
import { measureLatency } from './latency.ts'
import { spawnDriver } from './lib/procs.ts'
import { progress, type Row } from './lib/report.ts'
import { caseName, produceCases, runProduceCase } from './produce.ts'

export async function peerBench(quick: boolean, strata: Row[]): Promise<Row[]> {
  const mock = spawnDriver(['mock'], 'pipe')
  const bootstrap = (await mock.line()).bootstrap as string
  const rows: Row[] = []
  const compare = (figure: string, value: number, unit: string) => {
    const ours = strata.find((r) => r.figure === figure)
    progress(`mock cluster: ${figure}: ${value.toFixed(1)} ${unit}`)
    const row: Row = { figure: `mock cluster: ${figure}`, value, unit }
    if (ours) {
      row.reference = { label: 'strata', value: ours.value, unit }
      row.ratio = ours.value / value
    }
    rows.push(row)
  }
  try {
    let i = 0
    for (const c of produceCases(quick).filter((c) => c.partitions === 1)) {
      const r = await runProduceCase(bootstrap, `mock-produce-${i++}`, c)
      compare(caseName(c), r.mbps, 'MB/s')
    }
    const l = await measureLatency(bootstrap, 'mock-latency', quick ? 5 : 30)
    const ours = strata.find((r) => r.figure === 'latency p99')
    rows.push({
      figure: 'mock cluster: latency p99',
      value: l.p99,
      unit: 'ms',
      ...(ours
        ? { reference: { label: 'strata', value: ours.value, unit: 'ms' }, ratio: ours.value / l.p99 }
        : {}),
      detail: { ...l },
    })
  } finally {
    mock.child.stdin?.end()
  }
  return rows
}
