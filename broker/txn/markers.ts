// Writing a transaction's commit or abort marker to one partition: the control batch is appended under the
// partition's producer-state lock, the producer's open transaction there is closed (which moves the last
// stable offset), an abort lands in the aborted transaction index, and parked fetches wake up.
import { buildControlBatch } from '../protocol/records/builder.ts'
import { producersOf, waitKey, type DataPath } from '../server/data-path.ts'
import type { LogManager } from '../storage/log-manager.ts'
import { abortedIndexOf } from '../storage/txn-index.ts'

export interface Marker {
  producerId: bigint
  producerEpoch: number
  commit: boolean
  coordinatorEpoch: number
}

/** Writes `marker` to topic-partition; a partition that no longer exists (deleted topic) is skipped. */
export async function writeMarker(
  logs: LogManager,
  dataPath: DataPath,
  topic: string,
  partition: number,
  marker: Marker,
): Promise<void> {
  const log = logs.getLog(topic, partition)
  if (log === undefined || log.closed) return
  const producers = await producersOf(dataPath, log)
  await producers.serialize(async () => {
    // Loaded before the append: an abort must be in the index before the last stable offset passes it.
    const index = await abortedIndexOf(log)
    const timestamp = BigInt(Date.now())
    const res = await log.append(buildControlBatch({ ...marker, timestamp }))
    const first = producers.table.endTransaction(
      marker.producerId,
      marker.producerEpoch,
      marker.coordinatorEpoch,
      timestamp,
    )
    let indexed: Promise<void> | undefined
    if (!marker.commit && first >= 0n) {
      const stable = producers.table.firstUnstableOffset()
      indexed = index.append(
        {
          producerId: marker.producerId,
          firstOffset: first,
          lastOffset: res.lastOffset,
          lastStableOffset: stable >= 0n && stable < log.highWatermark ? stable : log.highWatermark,
        },
        log.segmentList.at(-1)?.baseOffset ?? res.baseOffset,
      )
    }
    producers.syncStableOffset()
    await indexed
  })
  dataPath.fetchWaiters.notify(waitKey(topic, partition))
}
