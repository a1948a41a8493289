// ListOffsets in the shapes the operations need: partitions at a timestamp or at the ends, many topics
// in one request (a list of 5,000 topics must not cost 10,000 round trips).
import type { Admin } from '@platformatic/kafka'

export const EARLIEST = -2n
export const LATEST = -1n

export interface TopicPartitions {
  name: string
  partitions: number[]
}

/** topic -> partition -> offset for `timestamp` (EARLIEST, LATEST, or ms since the epoch; -1 when none is later). */
export async function topicsOffsets(
  admin: Admin,
  topics: TopicPartitions[],
  timestamp: bigint,
): Promise<Map<string, Map<number, bigint>>> {
  const result = new Map<string, Map<number, bigint>>()
  const asked = topics.filter((t) => t.partitions.length > 0)
  if (asked.length === 0) return result
  const listed = await admin.listOffsets({
    topics: asked.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((partitionIndex) => ({ partitionIndex, timestamp })),
    })),
  })
  for (const t of listed) {
    const byPartition = result.get(t.name) ?? new Map<number, bigint>()
    result.set(t.name, byPartition)
    for (const p of t.partitions) byPartition.set(p.partitionIndex, p.offset)
  }
  return result
}

/** Offset per partition of one topic for `timestamp`. */
export async function partitionOffsets(
  admin: Admin,
  topic: string,
  partitions: number[],
  timestamp: bigint,
): Promise<Map<number, bigint>> {
  const offsets = await topicsOffsets(admin, [{ name: topic, partitions }], timestamp)
  return offsets.get(topic) ?? new Map()
}

export interface PartitionBounds {
  logStart: bigint
  highWatermark: bigint
}

/** topic -> partition -> log start and high watermark, in two requests whatever the number of topics. */
export async function topicsBounds(
  admin: Admin,
  topics: TopicPartitions[],
): Promise<Map<string, Map<number, PartitionBounds>>> {
  const [starts, ends] = await Promise.all([
    topicsOffsets(admin, topics, EARLIEST),
    topicsOffsets(admin, topics, LATEST),
  ])
  const bounds = new Map<string, Map<number, PartitionBounds>>()
  for (const t of topics) {
    const byPartition = new Map<number, PartitionBounds>()
    bounds.set(t.name, byPartition)
    for (const p of t.partitions)
      byPartition.set(p, {
        logStart: starts.get(t.name)?.get(p) ?? 0n,
        highWatermark: ends.get(t.name)?.get(p) ?? 0n,
      })
  }
  return bounds
}

export async function partitionBounds(
  admin: Admin,
  topic: string,
  partitions: number[],
): Promise<Map<number, PartitionBounds>> {
  const bounds = await topicsBounds(admin, [{ name: topic, partitions }])
  return bounds.get(topic) ?? new Map()
}
