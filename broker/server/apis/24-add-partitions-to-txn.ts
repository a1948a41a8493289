// AddPartitionsToTxn (key 24), v0-v5. Partitions join the producer's open transaction (opening it), so
// EndTxn knows where to write markers. v1: same as v0. v2: PRODUCER_FENCED may be returned (older versions
// get INVALID_PRODUCER_EPOCH). v3: flexible versions. v4: batched form (KIP-890): several transactional
// ids per request, results per transaction, a top-level error code and verifyOnly (answers whether the
// partitions are already in the transaction, without adding them). v5: same as v4 (KIP-890 part 2 clients).
// Authorization as in Kafka: WRITE on the transactional id, WRITE on each topic (before v4), CLUSTER_ACTION
// for the batched form. An unknown partition fails with UNKNOWN_TOPIC_OR_PARTITION and the others with OPERATION_NOT_ATTEMPTED.
import { ErrorCode } from '../../protocol/errors.ts'
import { decodeAddPartitionsToTxnRequest } from '../../protocol/generated/add-partitions-to-txn-request.ts'
import {
  encodeAddPartitionsToTxnResponse,
  type AddPartitionsToTxnResponseInput,
} from '../../protocol/generated/add-partitions-to-txn-response.ts'
import type { PartitionResults, TxnPartitionRequest } from '../../txn/coordinator.ts'
import { forVersion } from '../../txn/errors.ts'
import { api, type RequestContext } from '../registry.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'

async function addOne(
  ctx: RequestContext,
  req: TxnPartitionRequest,
  verifyOnly: boolean,
): Promise<PartitionResults[]> {
  const all = (code: number): PartitionResults[] =>
    req.topics.map((t) => ({
      name: t.name,
      results: t.partitions.map((p) => ({ partitionIndex: p, errorCode: code })),
    }))
  const authz = authzOf(ctx)
  if (!authz.transactionalId(req.transactionalId, AclOperation.WRITE)) {
    return all(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
  }
  // Client versions (before v4) need WRITE on every topic; one refusal fails the whole request, the
  // partitions that passed answering OPERATION_NOT_ATTEMPTED (unknown ones UNKNOWN_TOPIC_OR_PARTITION).
  if (ctx.apiVersion < 4 && !req.topics.every((t) => authz.topic(t.name, AclOperation.WRITE))) {
    const image = ctx.broker.metadata.image
    return req.topics.map((t) => ({
      name: t.name,
      results: t.partitions.map((p) => ({
        partitionIndex: p,
        errorCode: !authz.topic(t.name, AclOperation.WRITE)
          ? ErrorCode.TOPIC_AUTHORIZATION_FAILED
          : image.topicsByName.get(t.name)?.partitions[p] === undefined
            ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
            : ErrorCode.OPERATION_NOT_ATTEMPTED,
      })),
    }))
  }
  if (!ctx.broker.txn.loaded) return all(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
  try {
    const res = await ctx.broker.txn.addPartitions(req, verifyOnly)
    return res.map((t) => ({
      name: t.name,
      results: t.results.map((r) => ({ ...r, errorCode: forVersion(r.errorCode, ctx.apiVersion, 2) })),
    }))
  } catch (err) {
    ctx.log.warn({ err: (err as Error).message }, 'AddPartitionsToTxn failed')
    return all(ErrorCode.COORDINATOR_NOT_AVAILABLE)
  }
}

function topicResults(
  res: PartitionResults[],
): NonNullable<AddPartitionsToTxnResponseInput['resultsByTopicV3AndBelow']> {
  return res.map((t) => ({
    name: t.name,
    resultsByPartition: t.results.map((r) => ({
      partitionIndex: r.partitionIndex,
      partitionErrorCode: r.errorCode,
    })),
  }))
}

export default api(
  24,
  { min: 0, max: 5 },
  {
    decode: decodeAddPartitionsToTxnRequest,
    encode: encodeAddPartitionsToTxnResponse,
    handle: async (req, ctx): Promise<AddPartitionsToTxnResponseInput> => {
      if (ctx.apiVersion < 4) {
        const res = await addOne(
          ctx,
          {
            transactionalId: req.v3AndBelowTransactionalId,
            producerId: req.v3AndBelowProducerId,
            producerEpoch: req.v3AndBelowProducerEpoch,
            topics: req.v3AndBelowTopics,
          },
          false,
        )
        return { throttleTimeMs: 0, resultsByTopicV3AndBelow: topicResults(res) }
      }
      // The batched form is broker-to-broker (transaction verification): it needs CLUSTER_ACTION.
      if (!authzOf(ctx).cluster(AclOperation.CLUSTER_ACTION)) {
        return {
          throttleTimeMs: 0,
          errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
          resultsByTransaction: [],
        }
      }
      const resultsByTransaction = await Promise.all(
        req.transactions.map(async (t) => ({
          transactionalId: t.transactionalId,
          topicResults: topicResults(
            await addOne(
              ctx,
              {
                transactionalId: t.transactionalId,
                producerId: t.producerId,
                producerEpoch: t.producerEpoch,
                topics: t.topics,
              },
              t.verifyOnly,
            ),
          ),
        })),
      )
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction }
    },
  },
)
