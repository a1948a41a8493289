// Browsing messages: one page from a partition or from all partitions, starting at the beginning, the
// end, an offset, a timestamp or a previous page's cursor, forwards or backwards.
import type { Consumer } from '@platformatic/kafka'
import type { ClusterClient } from './cluster-client.ts'
import { AdminError } from './errors.ts'
import { fetchRange, type FetchedRecord, type FetchTarget } from './fetch-range.ts'
import { partitionBounds, partitionOffsets, type PartitionBounds } from './offsets.ts'
import { run } from './run.ts'
import type { MessagePage, ReadSpec, ReadStart } from './types.ts'

export interface TopicLayout {
  topicId: string
  /** Leader node per partition. */
  leaders: number[]
}

export async function topicLayout(consumer: Consumer, topic: string): Promise<TopicLayout> {
  consumer.topics.trackAll(topic)
  const metadata = await consumer.metadata({ topics: [topic], forceUpdate: true })
  const described = metadata.topics.get(topic)
  if (!described) throw new AdminError('not-found', `Topic ${topic} does not exist.`)
  return { topicId: described.id, leaders: described.partitions.map((p) => p.leader) }
}

const clamp = (v: bigint, lo: bigint, hi: bigint): bigint => (v < lo ? lo : v > hi ? hi : v)

/**
 * Where a page starts in each partition. Forward: the first offset to read. Backward: the exclusive
 * upper bound (the page holds the newest records below it). Partitions absent from a cursor are done.
 */
async function resolveStarts(
  client: ClusterClient,
  topic: string,
  partitions: number[],
  bounds: Map<number, PartitionBounds>,
  from: ReadStart,
  direction: ReadSpec['direction'],
): Promise<Map<number, bigint>> {
  const starts = new Map<number, bigint>()
  const backward = direction === 'backward'
  let atTimestamp: Map<number, bigint> | null = null
  if (from.kind === 'timestamp')
    atTimestamp = await partitionOffsets(client.admin, topic, partitions, BigInt(from.timestamp))
  for (const p of partitions) {
    const b = bounds.get(p) ?? { logStart: 0n, highWatermark: 0n }
    let start: bigint | undefined
    switch (from.kind) {
      case 'beginning':
        start = b.logStart
        break
      case 'end':
        start = b.highWatermark
        break
      case 'offset':
        start = BigInt(from.offset) + (backward ? 1n : 0n)
        break
      case 'timestamp': {
        const found = atTimestamp?.get(p) ?? -1n
        start = found < 0n ? b.highWatermark : found + (backward ? 1n : 0n)
        break
      }
      case 'cursor': {
        const entry = from.offsets.find((o) => o.partition === p)
        start = entry ? BigInt(entry.offset) : undefined
        break
      }
    }
    if (start !== undefined) starts.set(p, clamp(start, b.logStart, b.highWatermark))
  }
  return starts
}

/** Picks up to `limit` records across partitions by timestamp, taking each partition's list in order. */
function mergeByTimestamp(
  lists: Map<number, FetchedRecord[]>,
  limit: number,
  newestFirst: boolean,
): { order: FetchedRecord[]; taken: Map<number, number> } {
  const taken = new Map<number, number>([...lists.keys()].map((p) => [p, 0]))
  const order: FetchedRecord[] = []
  for (let n = 0; n < limit; n++) {
    let best: number | null = null
    let bestTs = 0
    for (const [p, list] of lists) {
      const head = list[taken.get(p) ?? 0]
      if (!head) continue
      const ts = head.view.timestamp
      if (best === null || (newestFirst ? ts > bestTs : ts < bestTs)) {
        best = p
        bestTs = ts
      }
    }
    if (best === null) break
    const index = taken.get(best) ?? 0
    order.push(lists.get(best)![index]!)
    taken.set(best, index + 1)
  }
  return { order, taken }
}

export function readMessages(client: ClusterClient, spec: ReadSpec): Promise<MessagePage> {
  return run(async () => {
    const consumer = client.fetcher()
    try {
      const layout = await topicLayout(consumer, spec.topic)
      const all = layout.leaders.map((_, i) => i)
      if (spec.partition !== null && !all.includes(spec.partition))
        throw new AdminError('not-found', `Topic ${spec.topic} has no partition ${spec.partition}.`)
      const partitions = spec.partition === null ? all : [spec.partition]
      const bounds = await partitionBounds(client.admin, spec.topic, partitions)
      const starts = await resolveStarts(client, spec.topic, partitions, bounds, spec.from, spec.direction)
      const backward = spec.direction === 'backward'
      const view = {
        keyFormat: spec.keyFormat,
        valueFormat: spec.valueFormat,
        maxPayloadBytes: spec.maxPayloadBytes,
      }

      const lists = new Map<number, FetchedRecord[]>()
      const lows = new Map<number, bigint>()
      await Promise.all(
        [...starts].map(async ([p, start]) => {
          const b = bounds.get(p)!
          const target: FetchTarget = {
            topic: spec.topic,
            topicId: layout.topicId,
            node: layout.leaders[p] ?? 0,
            partition: p,
          }
          if (!backward) {
            lists.set(p, await fetchRange(consumer, target, start, b.highWatermark, spec.limit, view))
            return
          }
          const lo = start - BigInt(spec.limit) > b.logStart ? start - BigInt(spec.limit) : b.logStart
          lows.set(p, lo)
          const records = await fetchRange(consumer, target, lo, start, Number.MAX_SAFE_INTEGER, view)
          lists.set(p, records.slice(-spec.limit).reverse())
        }),
      )

      const { order, taken } = mergeByTimestamp(lists, spec.limit, backward)
      const next: MessagePage['next'] = []
      let done = true
      for (const [p, start] of [...starts].sort((a, b) => a[0] - b[0])) {
        const list = lists.get(p) ?? []
        const count = taken.get(p) ?? 0
        const last = list[count - 1]
        const b = bounds.get(p)!
        let position: bigint
        // Backward and nothing taken: an empty range (compacted away) continues below it.
        if (backward) position = last ? last.offset : list.length > 0 ? start : (lows.get(p) ?? start)
        else position = last ? last.offset + 1n : start
        next.push({ partition: p, offset: position.toString() })
        if (backward ? position > b.logStart : position < b.highWatermark) done = false
      }
      return { messages: order.map((r) => r.view), next, done }
    } finally {
      await consumer.close(true)
    }
  })
}
