// __consumer_offsets on disk: the GroupLog the coordinator appends to, the startup step that creates the
// topic when absent, and the replay of every partition into the coordinator before it answers.
//
// Transactional offset commits (TxnOffsetCommit) sit in transactional batches; replay applies them when the
// partition holds their commit marker, drops them on an abort marker, and keeps the rest pending.
//
// Durability: appends go through the partition log like any produce and rely on its flush policy
// (flush.ms=1000 by default, see broker/storage/DURABILITY.md). A committed offset is in the page cache
// before OffsetCommit is answered, so a broker crash or SIGKILL loses none; only an OS crash or power cut
// can lose the last second. Setting flush.messages=1 on the topic makes every commit wait for fsync.
import type { Logger } from 'pino'
import { buildRecordBatch } from '../protocol/records/builder.ts'
import { decodeControlRecord } from '../protocol/records/records.ts'
import { ATTR_CONTROL, ATTR_TRANSACTIONAL } from '../protocol/records/batch-header.ts'
import type { LogManager } from '../storage/log-manager.ts'
import type { PartitionLog } from '../storage/partition-log.ts'
import { replayBatches } from '../storage/log-replay.ts'
import { RecordTooLargeError } from '../storage/errors.ts'
import {
  GroupLogError,
  type CoordinatorRecord,
  type GroupLog,
  type TxnProducer,
} from './coordinator-records.ts'
import type { GroupCoordinator } from './coordinator.ts'
import { ErrorCode as E } from '../protocol/errors.ts'
import { offsetsPartitionFor } from './java-hash.ts'
import { decodeRecord, encodeRecordKey, encodeRecordValue } from './offsets-codec.ts'

export const OFFSETS_TOPIC = '__consumer_offsets'

export class OffsetsTopicLog implements GroupLog {
  readonly #logs: LogManager
  readonly #partitions: number

  constructor(logs: LogManager, partitions: number) {
    this.#logs = logs
    this.#partitions = partitions
  }

  async append(groupId: string, records: CoordinatorRecord[], txn?: TxnProducer): Promise<void> {
    const partition = offsetsPartitionFor(groupId, this.#partitions)
    const log = this.#logs.getLog(OFFSETS_TOPIC, partition)
    if (!log)
      throw new GroupLogError(E.COORDINATOR_NOT_AVAILABLE, `${OFFSETS_TOPIC}-${partition} is not open`)
    const batch = await buildRecordBatch({
      records: records.map((r) => ({ key: encodeRecordKey(r), value: encodeRecordValue(r) })),
      ...(txn ? { producerId: txn.producerId, producerEpoch: txn.producerEpoch, transactional: true } : {}),
    })
    try {
      await log.append(batch)
    } catch (err) {
      if (err instanceof RecordTooLargeError)
        throw new GroupLogError(E.INVALID_COMMIT_OFFSET_SIZE, err.message)
      throw new GroupLogError(E.COORDINATOR_NOT_AVAILABLE, (err as Error).message)
    }
  }
}

/** Replays every __consumer_offsets partition into the coordinator, then lets it answer requests. */
export async function loadGroups(
  coordinator: GroupCoordinator,
  logs: LogManager,
  partitions: number,
  log: Logger,
): Promise<void> {
  let records = 0
  let skipped = 0
  // Offset commits of transactions with no marker yet, by producer id: pending once loaded.
  const open = new Map<bigint, CoordinatorRecord[]>()
  for (let p = 0; p < partitions; p++) {
    if (coordinator.stopped) return
    const plog = logs.getLog(OFFSETS_TOPIC, p)
    if (!plog) continue
    try {
      const n = await replayPartition(coordinator, plog, p, log, open)
      records += n.records
      skipped += n.skipped
    } catch (err) {
      if (coordinator.stopped) return
      // An unreadable partition must not keep every other group offline: serve what could be read.
      log.error({ partition: p, err: (err as Error).message }, `${OFFSETS_TOPIC} partition could not be read`)
    }
  }
  coordinator.finishLoading()
  for (const [producerId, held] of open) coordinator.restorePendingTxnOffsets(producerId, held)
  log.info({ records, skipped, groups: coordinator.groups.size }, 'consumer groups loaded')
}

async function replayPartition(
  coordinator: GroupCoordinator,
  plog: PartitionLog,
  p: number,
  log: Logger,
  open: Map<bigint, CoordinatorRecord[]>,
): Promise<{ records: number; skipped: number }> {
  let records = 0
  let skipped = 0
  for await (const batch of replayBatches(plog)) {
    const producerId = batch.header.producerId
    if ((batch.header.attributes & ATTR_CONTROL) !== 0) {
      // A transaction marker: its offset commits take effect (commit) or vanish (abort).
      const marker = batch.records[0] && decodeControlRecord(batch.records[0])
      const held = open.get(producerId) ?? []
      open.delete(producerId)
      if (marker?.type === 'commit') for (const rec of held) coordinator.replay(rec)
      continue
    }
    const transactional = (batch.header.attributes & ATTR_TRANSACTIONAL) !== 0
    for (const r of batch.records) {
      if (r.key === null) continue
      try {
        const rec = decodeRecord(r.key, r.value)
        if (rec && transactional) {
          const held = open.get(producerId) ?? []
          held.push(rec)
          open.set(producerId, held)
          records++
        } else if (rec) {
          coordinator.replay(rec)
          records++
        } else skipped++
      } catch (err) {
        skipped++
        log.warn(
          { partition: p, offset: String(r.offset), err: (err as Error).message },
          'unreadable group record skipped',
        )
      }
    }
  }
  return { records, skipped }
}
