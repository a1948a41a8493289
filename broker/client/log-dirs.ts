// Partition sizes on disk from DescribeLogDirs: one replica's size per partition (not the sum over replicas).
import type { Admin } from '@platformatic/kafka'

/** topic -> partition -> bytes, or null when the cluster does not serve DescribeLogDirs. */
export async function partitionSizes(
  admin: Admin,
  topics: { name: string; partitions: number[] }[],
): Promise<Map<string, Map<number, bigint>> | null> {
  if (topics.length === 0) return new Map()
  let described
  try {
    described = await admin.describeLogDirs({ topics })
  } catch {
    return null
  }
  const sizes = new Map<string, Map<number, bigint>>()
  for (const broker of described)
    for (const dir of broker.results)
      for (const topic of dir.topics) {
        const byPartition = sizes.get(topic.name) ?? new Map<number, bigint>()
        sizes.set(topic.name, byPartition)
        for (const p of topic.partitions) {
          const current = byPartition.get(p.partitionIndex) ?? 0n
          if (p.partitionSize > current) byPartition.set(p.partitionIndex, p.partitionSize)
        }
      }
  return sizes
}
