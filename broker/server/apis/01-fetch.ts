// Fetch (key 1), v0-v17. v1: throttleTimeMs. v2: message format v1. v3: maxBytes for the response, and
// partitions are filled in request order. Kafka down-converts stored v2 batches for v0-v3; this broker
// never re-encodes, so old versions get the v2 batches as stored (kafka-python and librdkafka read batches
// by their magic byte; kafka-python pinned to 0.11 fetches with v3).
// v4: isolationLevel, lastStableOffset and abortedTransactions. v5: logStartOffset. v6: KAFKA_STORAGE_ERROR.
// v7: incremental fetch sessions (KIP-227: sessionId, sessionEpoch, forgotten topics). v8: same as v7.
// v9: currentLeaderEpoch. v10: zstd batches may be returned. v11: rackId, preferredReadReplica (-1 here).
// v12: flexible versions; lastFetchedEpoch; divergingEpoch/currentLeader/snapshotId tagged fields.
// v13: topic ids instead of names (UNKNOWN_TOPIC_ID). v14: same as v13. v15: replicaState replaces
// replicaId. v16: nodeEndpoints. v17: replicaDirectoryId. Needs READ on each topic (TOPIC_AUTHORIZATION_FAILED
// per partition); a fetch from a replica (replica id >= 0) needs CLUSTER_ACTION on the cluster instead.
//
// Long polling: when the first read finds fewer than minBytes and no error, the request parks on the
// partitions' append events (no polling loop) until enough bytes arrived or maxWaitMs ran out.
// Limits: partitionMaxBytes per partition and maxBytes for the response, but the first batch found is
// returned whole even when larger (KIP-74). Record bytes go from the storage read into the response.
// READ_COMMITTED reads stop at the last stable offset and carry the aborted transactions overlapping the
// fetched range (from the partition's aborted transaction index), so consumers drop their records. Offsets below the log start or past the high
// watermark are OFFSET_OUT_OF_RANGE.
//
// consumer_byte_rate (KIP-219): an answer that puts the client over its quota is replaced by an empty one
// carrying the throttle time, as Kafka does; the records are not counted and the client fetches them again
// after the throttle (../../quotas/quota-manager.ts recordFetch).
import { ErrorCode } from '../../protocol/errors.ts'
import { decodeFetchRequest, type FetchRequest } from '../../protocol/generated/fetch-request.ts'
import {
  encodeFetchResponse,
  type FetchResponseInput,
  type FetchResponsePartitionDataInput,
} from '../../protocol/generated/fetch-response.ts'
import { StorageError } from '../../storage/errors.ts'
import { abortedIndexOf } from '../../storage/txn-index.ts'
import { producersOf, waitKey } from '../data-path.ts'
import type { BrokerState } from '../broker-state.ts'
import type { FetchContext, ForgottenTopic, RequestedPartition } from '../fetch-sessions.ts'
import { api, type RequestContext } from '../registry.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'
import { readBuffers } from '../../storage/read-buffers.ts'

const READ_COMMITTED = 1
const EMPTY = Buffer.alloc(0)

interface PartitionRead {
  request: RequestedPartition
  /** Topic name when known (for the wait key and v<13 responses). */
  topicName: string | null
  out: FetchResponsePartitionDataInput & {
    partitionIndex: number
    errorCode: number
    highWatermark: bigint
    lastStableOffset: bigint
    logStartOffset: bigint
    records: Buffer
  }
}

function resolveTopic(
  broker: BrokerState,
  topicKey: string,
  byId: boolean,
): { name: string; partitions: number } | null {
  const image = broker.metadata.image
  const t = byId ? image.topicsById.get(topicKey) : image.topicsByName.get(topicKey)
  return t === undefined ? null : { name: t.name, partitions: t.partitions.length }
}

function errorRead(p: RequestedPartition, topicName: string | null, errorCode: number): PartitionRead {
  return {
    request: p,
    topicName,
    out: {
      partitionIndex: p.partition,
      errorCode,
      highWatermark: -1n,
      lastStableOffset: -1n,
      logStartOffset: -1n,
      records: EMPTY,
    },
  }
}

/** Reads every partition once, in order, within the response byte budget. */
async function readAll(
  ctx: RequestContext,
  partitions: readonly RequestedPartition[],
  req: FetchRequest,
  byId: boolean,
): Promise<PartitionRead[]> {
  const { broker } = ctx
  // consumer_byte_rate: at most a quota window's worth of bytes per response, as Kafka limits it.
  const quotaBudget = broker.quotas.fetchBudget(ctx.conn.principal, ctx.conn.clientId)
  let budget = Math.min(ctx.apiVersion >= 3 ? req.maxBytes : 0x7fffffff, quotaBudget)
  let foundData = false
  const reads: PartitionRead[] = []
  // READ on the topic (a replica's fetch needs CLUSTER_ACTION instead), as in Kafka.
  const authz = authzOf(ctx)
  const replicaId = ctx.apiVersion >= 15 ? req.replicaState.replicaId : req.replicaId
  const fromReplica = replicaId >= 0 && authz.cluster(AclOperation.CLUSTER_ACTION)
  for (const p of partitions) {
    const topic = resolveTopic(broker, p.topicKey, byId)
    if (topic === null) {
      reads.push(errorRead(p, null, byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION))
      continue
    }
    if (replicaId >= 0 ? !fromReplica : !authz.topic(topic.name, AclOperation.READ)) {
      reads.push(errorRead(p, topic.name, ErrorCode.TOPIC_AUTHORIZATION_FAILED))
      continue
    }
    const log =
      p.partition >= 0 && p.partition < topic.partitions
        ? broker.logs.getLog(topic.name, p.partition)
        : undefined
    if (log === undefined) {
      reads.push(errorRead(p, topic.name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION))
      continue
    }
    const committed = req.isolationLevel === READ_COMMITTED && ctx.apiVersion >= 4
    // The last stable offset is known once the partition's producer state is loaded (in the background
    // when the log was opened; this waits only if that is still running).
    if (committed) await producersOf(broker.dataPath, log)
    const out: PartitionRead['out'] = {
      partitionIndex: p.partition,
      errorCode: ErrorCode.NONE,
      highWatermark: log.highWatermark,
      lastStableOffset: log.lastStableOffset,
      logStartOffset: log.logStartOffset,
      abortedTransactions: req.isolationLevel === READ_COMMITTED ? [] : null,
      preferredReadReplica: -1,
      records: EMPTY,
    }
    reads.push({ request: p, topicName: topic.name, out })
    if (p.fetchOffset < log.logStartOffset || p.fetchOffset > log.highWatermark) {
      out.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE
      continue
    }
    const limit = Math.min(p.partitionMaxBytes, budget)
    if (limit <= 0 && foundData) continue
    try {
      const res = await log.read(p.fetchOffset, Math.max(0, limit), {
        maxOffset: req.isolationLevel === READ_COMMITTED ? log.lastStableOffset : log.highWatermark,
        minOneMessage: !foundData,
      })
      out.highWatermark = res.highWatermark
      out.lastStableOffset = res.lastStableOffset
      out.logStartOffset = res.logStartOffset
      out.records = res.records
      if (committed && res.records.length > 0) {
        const aborted = (await abortedIndexOf(log)).overlapping(p.fetchOffset, res.lastStableOffset)
        // By first offset: clients that walk the list in order (kafkajs) need it that way.
        aborted.sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0))
        out.abortedTransactions = aborted.map((a) => ({
          producerId: a.producerId,
          firstOffset: a.firstOffset,
        }))
      }
      if (res.records.length > 0) {
        foundData = true
        budget -= res.records.length
      }
    } catch (err) {
      if (!(err instanceof StorageError)) throw err
      out.errorCode = err.errorCode
    }
  }
  return reads
}

function sessionContext(ctx: RequestContext, req: FetchRequest, byId: boolean): FetchContext {
  const requested: RequestedPartition[] = []
  for (const t of req.topics) {
    const topicKey = byId ? t.topicId : t.topic
    for (const p of t.partitions) {
      requested.push({
        topicKey,
        partition: p.partition,
        fetchOffset: p.fetchOffset,
        partitionMaxBytes: p.partitionMaxBytes,
        currentLeaderEpoch: p.currentLeaderEpoch,
      })
    }
  }
  if (ctx.apiVersion < 7) return { kind: 'full', sessionId: 0, partitions: requested, session: undefined }
  const forgotten: ForgottenTopic[] = req.forgottenTopicsData.map((f) => ({
    topicKey: byId ? f.topicId : f.topic,
    partitions: f.partitions,
  }))
  return ctx.broker.dataPath.fetchSessions.newContext(req.sessionId, req.sessionEpoch, requested, forgotten)
}

/**
 * Gives back the read-pool references of records that will not be sent (withheld, or read again after a
 * wait): each read holds one (../../storage/read-buffers.ts); the connection gives back those it writes.
 */
function release(reads: readonly PartitionRead[]): void {
  for (const r of reads) readBuffers.give(r.out.records)
}

function recordBytes(reads: readonly PartitionRead[]): number {
  let n = 0
  for (const r of reads) n += r.out.records.length
  return n
}

function respond(
  fetchCtx: Exclude<FetchContext, { kind: 'error' }>,
  reads: PartitionRead[],
  byId: boolean,
  throttleTimeMs: number,
): FetchResponseInput {
  const incremental = fetchCtx.kind === 'incremental'
  const responses: NonNullable<FetchResponseInput['responses']>[number][] = []
  let current: { topicKey: string; partitions: FetchResponsePartitionDataInput[] } | undefined
  for (const r of reads) {
    const include =
      fetchCtx.session === undefined ||
      fetchCtx.session.update(r.request, { ...r.out, recordBytes: r.out.records.length }, incremental)
    if (!include) continue
    if (current === undefined || current.topicKey !== r.request.topicKey) {
      current = { topicKey: r.request.topicKey, partitions: [] }
      responses.push(
        byId
          ? { topicId: r.request.topicKey, partitions: current.partitions }
          : { topic: r.request.topicKey, partitions: current.partitions },
      )
    }
    current.partitions.push(r.out)
  }
  return { throttleTimeMs, errorCode: ErrorCode.NONE, sessionId: fetchCtx.sessionId, responses }
}

/**
 * A throttled fetch's answer, as Kafka's FetchContext.getThrottledResponse: no partitions, so no records.
 * An incremental fetch keeps its session (epoch advanced, cached positions untouched, so the partitions
 * come again); a full fetch drops the session it opened and answers session id 0: the client opens another.
 */
function throttledResponse(
  ctx: RequestContext,
  fetchCtx: Exclude<FetchContext, { kind: 'error' }>,
  throttleTimeMs: number,
): FetchResponseInput {
  if (fetchCtx.kind === 'full' && fetchCtx.session !== undefined) {
    ctx.broker.dataPath.fetchSessions.remove(fetchCtx.session.id)
  }
  const sessionId = fetchCtx.kind === 'incremental' ? fetchCtx.sessionId : 0
  return { throttleTimeMs, errorCode: ErrorCode.NONE, sessionId, responses: [] }
}

export default api(
  1,
  { min: 0, max: 17 },
  {
    decode: decodeFetchRequest,
    encode: encodeFetchResponse,
    handle: async (req, ctx): Promise<FetchResponseInput> => {
      const byId = ctx.apiVersion >= 13
      const fetchCtx = sessionContext(ctx, req, byId)
      if (fetchCtx.kind === 'error') {
        return { throttleTimeMs: 0, errorCode: ErrorCode[fetchCtx.errorCode], sessionId: 0, responses: [] }
      }
      const deadline = Date.now() + Math.max(0, req.maxWaitMs)
      const waiters = ctx.broker.dataPath.fetchWaiters
      let reads = await readAll(ctx, fetchCtx.partitions, req, byId)
      for (;;) {
        const bytes = recordBytes(reads)
        const remaining = deadline - Date.now()
        if (bytes >= req.minBytes || remaining <= 0 || reads.some((r) => r.out.errorCode !== ErrorCode.NONE))
          break
        const keys = reads.flatMap((r) =>
          r.topicName === null ? [] : [waitKey(r.topicName, r.request.partition)],
        )
        const woken = await waiters.wait(keys, remaining)
        release(reads)
        reads = await readAll(ctx, fetchCtx.partitions, req, byId)
        if (!woken) break
      }
      const { conn } = ctx
      const quota = ctx.broker.quotas.recordFetch(conn.principal, conn.clientId, recordBytes(reads))
      if (quota.withhold) {
        release(reads)
        return throttledResponse(ctx, fetchCtx, quota.throttleMs)
      }
      return respond(fetchCtx, reads, byId, quota.throttleMs)
    },
  },
)
