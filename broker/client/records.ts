// Delete records: moves each chosen partition's log start offset forward (DeleteRecords).
import type { ClusterClient } from './cluster-client.ts'
import { run } from './run.ts'
import type { Int64String } from './types.ts'

export interface DeleteRecordsSpec {
  topic: string
  /** Delete everything before `offset` in each partition; "-1" means up to the high watermark. */
  partitions: { partition: number; offset: Int64String }[]
}

export function deleteRecords(
  client: ClusterClient,
  spec: DeleteRecordsSpec,
): Promise<{ partition: number; lowWatermark: Int64String }[]> {
  return run(async () => {
    const result = await client.admin.deleteRecords({
      topics: [
        {
          name: spec.topic,
          partitions: spec.partitions.map((p) => ({ partition: p.partition, offset: BigInt(p.offset) })),
        },
      ],
    })
    return result
      .flatMap((t) => t.partitions)
      .map((p) => ({ partition: p.partition, lowWatermark: p.lowWatermark.toString() }))
      .sort((a, b) => a.partition - b.partition)
  })
}
