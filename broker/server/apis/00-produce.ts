// Produce (key 0), v0-v11. v1: throttleTimeMs. v2: logAppendTimeMs. Clients send message formats v0/v1
// with v0-v2; this broker stores only record batch v2 (magic 2) and answers older formats, with any
// version, with UNSUPPORTED_FOR_MESSAGE_FORMAT.
// v3: transactionalId; record batch v2 (magic 2) only. v4: KAFKA_STORAGE_ERROR may be returned.
// v5: logStartOffset in the response. v6: same as v5. v7: zstd allowed. v8: recordErrors and errorMessage.
// v9: flexible versions. v10: currentLeader/nodeEndpoints tagged fields (only for NOT_LEADER errors).
// v11: TRANSACTION_ABORTABLE may be returned.
//
// Per partition: header validation of every batch (size, magic, CRC-32C, counts, codec), a check that a
// compressed batch really decompresses (Kafka answers CORRUPT_MESSAGE otherwise; a corrupt payload must
// not be stored), the topic's max.message.bytes, idempotent producer sequence checks, then one append of
// the request's bytes as they came (offsets patched in place, records never re-encoded). A retried batch of an idempotent producer is answered with the offsets
// it was first written at. acks=0 gets no response; acks other than 0, 1, -1 get INVALID_REQUIRED_ACKS.
// The first transactional batch of a producer on a partition must belong to its Ongoing transaction with
// that partition added (else INVALID_TXN_STATE, Kafka's KIP-890 check), so a late batch cannot open a
// transaction that no marker will ever close.
// Kafka never creates topics on produce (only Metadata does), and neither does this broker.
// The records are views of the request frame, which goes back to the read pool once this handler settles
// (server/framing.ts): whatever keeps them longer must take its own reference (readBuffers.retain).
import { ErrorCode } from '../../protocol/errors.ts'
import { decodeProduceRequest } from '../../protocol/generated/produce-request.ts'
import {
  encodeProduceResponse,
  type ProduceResponseInput,
  type ProduceResponsePartitionProduceResponseInput,
} from '../../protocol/generated/produce-response.ts'
import { LOG_OVERHEAD, OFF_BATCH_LENGTH } from '../../protocol/records/batch-header.ts'
import { BatchView, validateBatch } from '../../protocol/records/batches.ts'
import { decompressSync } from '../../protocol/records/compression.ts'
import { RecordBatchError } from '../../protocol/records/errors.ts'
import { isInternalTopic } from '../../metadata/topic-rules.ts'
import type { ProducerBatch, SequenceRejection } from '../../producers/producer-state.ts'
import { StorageError } from '../../storage/errors.ts'
import type { PartitionLog } from '../../storage/partition-log.ts'
import { producersOf, waitKey } from '../data-path.ts'
import { api, CloseConnection, type RequestContext } from '../registry.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'

type PartitionOut = ProduceResponsePartitionProduceResponseInput

/** A compressed batch may inflate to this many times its size (at least 64 MiB) before it is refused. */
const MAX_INFLATION = 64
const MIN_INFLATE_LIMIT = 64 * 1024 * 1024

/**
 * Inflates a compressed batch's records once to prove they decompress. Synchronous on purpose: it is
 * native code, one call per batch, and keeps pipelined produce requests to a partition in arrival order.
 */
function decompressProblem(batch: BatchView): { errorCode: number; message: string } | null {
  const codec = batch.compression
  if (codec === undefined || codec === 'none') return null
  try {
    decompressSync(codec, batch.payload(), Math.max(MIN_INFLATE_LIMIT, batch.size * MAX_INFLATION))
    return null
  } catch (err) {
    if (!(err instanceof RecordBatchError)) throw err
    return { errorCode: err.errorCode, message: `${codec} batch does not decompress: ${err.message}` }
  }
}

const REJECTION_CODES: Record<SequenceRejection, number> = {
  'out-of-order-sequence': ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
  'invalid-producer-epoch': ErrorCode.INVALID_PRODUCER_EPOCH,
  'unknown-producer-id': ErrorCode.UNKNOWN_PRODUCER_ID,
}

function failed(index: number, errorCode: number, errorMessage: string | null): PartitionOut {
  return { index, errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, errorMessage }
}

/** The batches of one partition's records, or why they are refused. Header work only. */
function splitBatches(
  records: Buffer,
  log: PartitionLog,
): { batches: BatchView[] } | { errorCode: number; message: string } {
  const batches: BatchView[] = []
  const { maxMessageBytes, segmentBytes } = log.config
  for (let pos = 0; pos < records.length;) {
    const left = records.length - pos
    let size = left >= LOG_OVERHEAD ? records.readInt32BE(pos + OFF_BATCH_LENGTH) + LOG_OVERHEAD : left
    if (size < 0 || size > left) size = left
    const problem = validateBatch(records, pos, size)
    if (problem !== null) return { errorCode: problem.errorCode, message: problem.reason }
    if (size > segmentBytes) {
      return {
        errorCode: ErrorCode.RECORD_LIST_TOO_LARGE,
        message: `batch of ${size} bytes is larger than segment.bytes ${segmentBytes}`,
      }
    }
    if (size > maxMessageBytes) {
      return {
        errorCode: ErrorCode.MESSAGE_TOO_LARGE,
        message: `batch of ${size} bytes is larger than max.message.bytes ${maxMessageBytes}`,
      }
    }
    const batch = new BatchView(records, pos, size)
    const inflate = decompressProblem(batch)
    if (inflate !== null) return inflate
    batches.push(batch)
    pos += size
  }
  if (batches.length === 0) return { errorCode: ErrorCode.INVALID_RECORD, message: 'no record batch' }
  return { batches }
}

function producerBatch(b: BatchView): ProducerBatch {
  return {
    producerId: b.producerId,
    epoch: b.producerEpoch,
    baseSequence: b.baseSequence,
    lastOffsetDelta: b.lastOffsetDelta,
    maxTimestamp: b.maxTimestamp,
    transactional: b.isTransactional,
  }
}

async function producePartition(
  ctx: RequestContext,
  topic: string,
  index: number,
  records: Buffer | null,
  acks: number,
): Promise<PartitionOut> {
  const { broker } = ctx
  const state = broker.metadata.image.topicsByName.get(topic)?.partitions[index]
  const log = state === undefined ? undefined : broker.logs.getLog(topic, index)
  if (log === undefined || state === undefined) {
    return failed(
      index,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      'This server does not host this topic-partition.',
    )
  }
  if (isInternalTopic(topic)) {
    return failed(index, ErrorCode.INVALID_TOPIC_EXCEPTION, `Cannot append to internal topic ${topic}`)
  }
  if (acks === -1 && log.config.minInsyncReplicas > 1) {
    return failed(
      index,
      ErrorCode.NOT_ENOUGH_REPLICAS,
      `min.insync.replicas is ${log.config.minInsyncReplicas} and this cluster has 1 broker`,
    )
  }
  const split = splitBatches(records ?? Buffer.alloc(0), log)
  if ('errorCode' in split) return failed(index, split.errorCode, split.message)
  const { batches } = split
  const idempotent = batches.some((b) => b.producerId >= 0n)
  const append = async (): Promise<PartitionOut> => {
    const result = await log.append(records as Buffer, { leaderEpoch: state.leaderEpoch })
    broker.dataPath.fetchWaiters.notify(waitKey(topic, index))
    return {
      index,
      errorCode: ErrorCode.NONE,
      baseOffset: result.baseOffset,
      logAppendTimeMs: result.logAppendTime,
      logStartOffset: result.logStartOffset,
    }
  }
  try {
    // Producer state is derived from the log and loads in the background when the log is opened (an
    // idempotent batch waits if it is still loading); plain producers never wait for it.
    if (!idempotent) return await append()
    const producers = await producersOf(broker.dataPath, log)
    return await producers.serialize(async (): Promise<PartitionOut> => {
      const check = producers.table.check(batches.map(producerBatch))
      if (check.kind === 'duplicate') {
        return {
          index,
          errorCode: ErrorCode.NONE,
          baseOffset: check.batch.firstOffset,
          logAppendTimeMs: log.config.messageTimestampType === 'LogAppendTime' ? check.batch.timestamp : -1n,
          logStartOffset: log.logStartOffset,
        }
      }
      if (check.kind === 'reject') return failed(index, REJECTION_CODES[check.reason], check.message)
      const transactional = batches.some((b) => b.isTransactional)
      const unverified = batches.find(
        (b) =>
          b.isTransactional &&
          (producers.table.get(b.producerId)?.currentTxnFirstOffset ?? -1n) < 0n &&
          !broker.txn.mayOpenOnPartition(b.producerId, b.producerEpoch, topic, index),
      )
      if (unverified !== undefined) {
        return failed(
          index,
          ErrorCode.INVALID_TXN_STATE,
          `producer ${unverified.producerId} has no ongoing transaction with ${topic}-${index}`,
        )
      }
      if (transactional) producers.holdStableOffsetAt(log.logEndOffset)
      const out = await append()
      // Record with the timestamps as stored (LogAppendTime stamps them during the append).
      for (const b of batches) producers.table.record(producerBatch(b), b.baseOffset)
      if (transactional) producers.syncStableOffset()
      producers.appended((records as Buffer).length)
      return out
    })
  } catch (err) {
    if (err instanceof StorageError) return failed(index, err.errorCode, err.message)
    ctx.log.error({ err, topic, partition: index }, 'produce failed')
    return failed(index, ErrorCode.UNKNOWN_SERVER_ERROR, 'unexpected error while appending')
  }
}

export default api(
  0,
  { min: 0, max: 11 },
  {
    decode: decodeProduceRequest,
    encode: encodeProduceResponse,
    handle: async (req, ctx): Promise<ProduceResponseInput | null> => {
      const validAcks = req.acks === 0 || req.acks === 1 || req.acks === -1
      const authz = authzOf(ctx)
      // A transactional producer needs WRITE on its transactional id, or nothing of the request is written.
      const txnDenied =
        req.transactionalId !== null && !authz.transactionalId(req.transactionalId, AclOperation.WRITE)
      const responses = await Promise.all(
        req.topicData.map(async (t) => {
          const writable = authz.topic(t.name, AclOperation.WRITE)
          return {
            name: t.name,
            partitionResponses: await Promise.all(
              t.partitionData.map((p) =>
                txnDenied
                  ? failed(
                      p.index,
                      ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
                      `Not authorized to use transactional id ${req.transactionalId}`,
                    )
                  : !writable
                    ? failed(
                        p.index,
                        ErrorCode.TOPIC_AUTHORIZATION_FAILED,
                        `Not authorized to write to ${t.name}`,
                      )
                    : validAcks
                      ? producePartition(ctx, t.name, p.index, p.records, req.acks)
                      : failed(
                          p.index,
                          ErrorCode.INVALID_REQUIRED_ACKS,
                          `acks must be 0, 1 or -1, not ${req.acks}`,
                        ),
              ),
            ),
          }
        }),
      )
      if (req.acks === 0) {
        const failure = responses.flatMap((t) => t.partitionResponses).find((p) => p.errorCode !== 0)
        if (failure) throw new CloseConnection(`acks=0 produce failed with error ${failure.errorCode}`)
        return null
      }
      return { responses, throttleTimeMs: 0 }
    },
  },
)
