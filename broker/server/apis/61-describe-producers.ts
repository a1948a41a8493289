// DescribeProducers (key 61), v0 (flexible). The active producers of each partition from its producer
// state (loaded on first use): epoch, last sequence and timestamp, coordinator epoch and the first offset
// of the producer's open transaction (-1 when none). Unknown partitions answer UNKNOWN_TOPIC_OR_PARTITION.
// Needs READ on the topic (TOPIC_AUTHORIZATION_FAILED per partition).
import { ErrorCode } from '../../protocol/errors.ts'
import { decodeDescribeProducersRequest } from '../../protocol/generated/describe-producers-request.ts'
import {
  encodeDescribeProducersResponse,
  type DescribeProducersResponseInput,
  type DescribeProducersResponsePartitionResponseInput,
} from '../../protocol/generated/describe-producers-response.ts'
import { StorageError } from '../../storage/errors.ts'
import { producersOf } from '../data-path.ts'
import { api, type RequestContext } from '../registry.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'

async function describePartition(
  ctx: RequestContext,
  topic: string,
  partitionIndex: number,
): Promise<DescribeProducersResponsePartitionResponseInput> {
  const { broker } = ctx
  if (!authzOf(ctx).topic(topic, AclOperation.READ)) {
    return {
      partitionIndex,
      errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
      errorMessage: null,
      activeProducers: [],
    }
  }
  const exists = broker.metadata.image.topicsByName.get(topic)?.partitions[partitionIndex] !== undefined
  const log = exists ? broker.logs.getLog(topic, partitionIndex) : undefined
  if (log === undefined) {
    return {
      partitionIndex,
      errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      errorMessage: 'This server does not host this topic-partition.',
      activeProducers: [],
    }
  }
  try {
    const producers = await producersOf(broker.dataPath, log)
    return {
      partitionIndex,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      activeProducers: [...producers.table.entries()].map((e) => ({
        producerId: e.producerId,
        producerEpoch: e.epoch,
        lastSequence: e.batches.at(-1)?.lastSeq ?? -1,
        lastTimestamp: e.lastTimestamp,
        coordinatorEpoch: e.coordinatorEpoch,
        currentTxnStartOffset: e.currentTxnFirstOffset,
      })),
    }
  } catch (err) {
    if (!(err instanceof StorageError)) throw err
    return { partitionIndex, errorCode: err.errorCode, errorMessage: err.message, activeProducers: [] }
  }
}

export default api(
  61,
  { min: 0, max: 0 },
  {
    decode: decodeDescribeProducersRequest,
    encode: encodeDescribeProducersResponse,
    handle: async (req, ctx): Promise<DescribeProducersResponseInput> => ({
      throttleTimeMs: 0,
      topics: await Promise.all(
        req.topics.map(async (t) => ({
          name: t.name,
          partitions: await Promise.all(t.partitionIndexes.map((p) => describePartition(ctx, t.name, p))),
        })),
      ),
    }),
  },
)
