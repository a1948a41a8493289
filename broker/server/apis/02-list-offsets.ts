// ListOffsets (key 2), v0-v10.
// v0: maxNumOffsets and an old-style array of offsets (librdkafka and old clients still send v0/v1).
// v1: one offset and timestamp per partition. v2: isolationLevel; READ_COMMITTED answers up to the last
// stable offset. v3: same as v2. v4: currentLeaderEpoch in the request, leaderEpoch in the response.
// v5: same as v4. v6: flexible versions. v7: MAX_TIMESTAMP (-3). v8: EARLIEST_LOCAL (-4), the log start
// here (no tiered storage). v9: LATEST_TIERED (-5), answered with -1 (nothing is tiered). v10: timeoutMs.
// Needs DESCRIBE on the topic (TOPIC_AUTHORIZATION_FAILED per partition).
// A timestamp >= 0 answers the first offset whose record timestamp is at least that timestamp, or -1.
import { ErrorCode } from '../../protocol/errors.ts'
import { decodeListOffsetsRequest } from '../../protocol/generated/list-offsets-request.ts'
import {
  encodeListOffsetsResponse,
  type ListOffsetsResponseInput,
  type ListOffsetsResponseListOffsetsPartitionResponseInput,
} from '../../protocol/generated/list-offsets-response.ts'
import { StorageError } from '../../storage/errors.ts'
import type { PartitionLog } from '../../storage/partition-log.ts'
import { producersOf } from '../data-path.ts'
import { api, type RequestContext } from '../registry.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'

type PartitionOut = ListOffsetsResponseListOffsetsPartitionResponseInput

const LATEST = -1n
const EARLIEST = -2n
const MAX_TIMESTAMP = -3n
const EARLIEST_LOCAL = -4n
const LATEST_TIERED = -5n
const READ_COMMITTED = 1

async function lookup(
  log: PartitionLog,
  timestamp: bigint,
  isolationLevel: number,
): Promise<{ offset: bigint; timestamp: bigint }> {
  const fetchable = isolationLevel === READ_COMMITTED ? log.lastStableOffset : log.highWatermark
  switch (timestamp) {
    case LATEST:
      return { offset: fetchable, timestamp: -1n }
    case EARLIEST:
    case EARLIEST_LOCAL:
      return { offset: log.logStartOffset, timestamp: -1n }
    case LATEST_TIERED:
      return { offset: -1n, timestamp: -1n }
    case MAX_TIMESTAMP: {
      const found = await log.maxTimestampOffset()
      return found === null ? { offset: -1n, timestamp: -1n } : found
    }
    default: {
      const found = await log.offsetForTimestamp(timestamp)
      if (found === null || found.offset >= fetchable) return { offset: -1n, timestamp: -1n }
      return found
    }
  }
}

async function listPartition(
  ctx: RequestContext,
  topic: string,
  p: { partitionIndex: number; timestamp: bigint; maxNumOffsets: number },
  isolationLevel: number,
): Promise<PartitionOut> {
  const { broker, apiVersion } = ctx
  const t = broker.metadata.image.topicsByName.get(topic)
  const state = t?.partitions[p.partitionIndex]
  const log = state === undefined ? undefined : broker.logs.getLog(topic, p.partitionIndex)
  const base = { partitionIndex: p.partitionIndex }
  if (!authzOf(ctx).topic(topic, AclOperation.DESCRIBE)) {
    return {
      ...base,
      errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
      offset: -1n,
      timestamp: -1n,
      leaderEpoch: -1,
    }
  }
  if (log === undefined || state === undefined) {
    return {
      ...base,
      errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      offset: -1n,
      timestamp: -1n,
      leaderEpoch: -1,
    }
  }
  if (apiVersion === 0 && p.timestamp < -2n) {
    return { ...base, errorCode: ErrorCode.UNSUPPORTED_VERSION, oldStyleOffsets: [] }
  }
  try {
    // The last stable offset is known once the partition's producer state is loaded (first use only).
    if (isolationLevel === READ_COMMITTED) await producersOf(broker.dataPath, log)
    const found = await lookup(log, p.timestamp, isolationLevel)
    if (apiVersion === 0) {
      const offsets = found.offset >= 0n && p.maxNumOffsets > 0 ? [found.offset] : []
      return { ...base, errorCode: ErrorCode.NONE, oldStyleOffsets: offsets }
    }
    return {
      ...base,
      errorCode: ErrorCode.NONE,
      offset: found.offset,
      timestamp: found.timestamp,
      leaderEpoch: found.offset >= 0n ? state.leaderEpoch : -1,
    }
  } catch (err) {
    if (!(err instanceof StorageError)) throw err
    return { ...base, errorCode: err.errorCode, offset: -1n, timestamp: -1n, leaderEpoch: -1 }
  }
}

export default api(
  2,
  { min: 0, max: 10 },
  {
    decode: decodeListOffsetsRequest,
    encode: encodeListOffsetsResponse,
    handle: async (req, ctx): Promise<ListOffsetsResponseInput> => {
      const isolation = ctx.apiVersion >= 2 ? req.isolationLevel : 0
      const topics = await Promise.all(
        req.topics.map(async (t) => ({
          name: t.name,
          partitions: await Promise.all(t.partitions.map((p) => listPartition(ctx, t.name, p, isolation))),
        })),
      )
      return { throttleTimeMs: 0, topics }
    },
  },
)
