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
    const index = await abortedIndexOf(log)
    const first = producers.table.get(marker.producerId)?.currentTxnFirstOffset ?? -1n
    // The index entry is written before the marker: a crash in between leaves the transaction prepared,
    // and the coordinator writes the marker again on restart (a repeated entry is harmless, a missing one
    // would show aborted records). lastOffset is where the marker goes unless a plain append slips in first.
    if (!marker.commit && first >= 0n) {
      await index.append(
        {
          producerId: marker.producerId,
          firstOffset: first,
          lastOffset: log.logEndOffset,
          lastStableOffset: log.lastStableOffset,
        },
        log.segmentList.at(-1)?.baseOffset ?? log.logEndOffset,
      )
    }
    const timestamp = BigInt(Date.now())
    await log.append(buildControlBatch({ ...marker, timestamp }))
    producers.table.endTransaction(
      marker.producerId,
      marker.producerEpoch,
      marker.coordinatorEpoch,
      timestamp,
    )
    producers.syncStableOffset()
  })
  dataPath.fetchWaiters.notify(waitKey(topic, partition))
}
