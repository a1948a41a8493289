// Reads a whole partition log back, batch by batch with records decoded, for the coordinators that
// rebuild their state from an internal topic at start (__consumer_offsets, __transaction_state).
import { readAllBatches, type DecodedBatch } from '../protocol/records/records.ts'
import type { PartitionLog } from './partition-log.ts'

const REPLAY_READ_BYTES = 1024 * 1024

/** Every batch from the log start to the log end, in offset order. */
export async function* replayBatches(log: PartitionLog): AsyncGenerator<DecodedBatch> {
  let offset = log.logStartOffset
  for (;;) {
    const read = await log.read(offset, REPLAY_READ_BYTES, { minOneMessage: true })
    if (read.records.length === 0) return
    const from = offset
    for (const batch of await readAllBatches(read.records)) {
      offset = batch.header.baseOffset + BigInt(batch.header.lastOffsetDelta) + 1n
      yield batch
    }
    if (offset === from)
      throw new Error(`no whole batch at offset ${offset} of ${log.topic}-${log.partition}`)
  }
}
