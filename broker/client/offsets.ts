// ListOffsets in the shapes the operations need: one topic's partitions at a timestamp or at the ends.
import type { Admin } from '@platformatic/kafka'

export const EARLIEST = -2n
export const LATEST = -1n

/** Offset per partition for `timestamp` (EARLIEST, LATEST, or ms since the epoch; -1 when none is later). */
export async function partitionOffsets(
  admin: Admin,
  topic: string,
  partitions: number[],
  timestamp: bigint,
): Promise<Map<number, bigint>> {
  const result = new Map<number, bigint>()
  if (partitions.length === 0) return result
  const listed = await admin.listOffsets({
    topics: [
      { name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) },
    ],
  })
  for (const t of listed) for (const p of t.partitions) result.set(p.partitionIndex, p.offset)
  return result
}

export interface PartitionBounds {
  logStart: bigint
  highWatermark: bigint
}

export async function partitionBounds(
  admin: Admin,
  topic: string,
  partitions: number[],
): Promise<Map<number, PartitionBounds>> {
  const [starts, ends] = await Promise.all([
    partitionOffsets(admin, topic, partitions, EARLIEST),
    partitionOffsets(admin, topic, partitions, LATEST),
  ])
  const bounds = new Map<number, PartitionBounds>()
  for (const p of partitions)
    bounds.set(p, { logStart: starts.get(p) ?? 0n, highWatermark: ends.get(p) ?? 0n })
  return bounds
}
