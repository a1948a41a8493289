// Partitions of one topic: leader, replicas, ISR, log start, high watermark, size on disk.
import type { ClusterClient } from './cluster-client.ts'
import { AdminError } from './errors.ts'
import { partitionSizes } from './log-dirs.ts'
import { partitionBounds } from './offsets.ts'
import { run } from './run.ts'
import type { PartitionInfo } from './types.ts'

export function describePartitions(client: ClusterClient, topic: string): Promise<PartitionInfo[]> {
  return run(async () => {
    const admin = client.admin
    const metadata = await admin.metadata({ topics: [topic], forceUpdate: true })
    const described = metadata.topics.get(topic)
    if (!described) throw new AdminError('not-found', `Topic ${topic} does not exist.`)
    const indexes = described.partitions.map((_, i) => i)
    const [bounds, sizes] = await Promise.all([
      partitionBounds(admin, topic, indexes),
      partitionSizes(admin, [{ name: topic, partitions: indexes }]),
    ])
    return described.partitions.map((p, partition): PartitionInfo => {
      const b = bounds.get(partition)
      const size = sizes?.get(topic)?.get(partition)
      return {
        partition,
        leader: p.leader,
        leaderEpoch: p.leaderEpoch,
        replicas: p.replicas,
        isr: p.isr,
        offlineReplicas: p.offlineReplicas,
        logStartOffset: (b?.logStart ?? 0n).toString(),
        highWatermark: (b?.highWatermark ?? 0n).toString(),
        sizeBytes: sizes === null ? null : (size ?? 0n).toString(),
      }
    })
  })
}
