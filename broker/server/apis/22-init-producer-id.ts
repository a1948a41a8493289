// InitProducerId (key 22), v0-v5.
// v1: same as v0. v2: flexible versions. v3: producerId/producerEpoch in the request, so an idempotent
// producer can ask for a fresh id after UNKNOWN_PRODUCER_ID / OUT_OF_ORDER (KIP-360). v4: the response
// may carry PRODUCER_FENCED for transactional ids. v5: same as v4 (KIP-890).
// Idempotent producers (no transactional id) always get a new producer id at epoch 0; ids come from
// blocks reserved durably, so they stay unique across restarts. Transactional ids go to the transaction
// coordinator (broker/txn/): epoch bump, zombie fencing, transaction.max.timeout.ms.
// Authorization: WRITE on the transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED); an idempotent
// producer needs IDEMPOTENT_WRITE on the cluster or WRITE on some topic (CLUSTER_AUTHORIZATION_FAILED).
import { ErrorCode } from '../../protocol/errors.ts'
import { decodeInitProducerIdRequest } from '../../protocol/generated/init-producer-id-request.ts'
import {
  encodeInitProducerIdResponse,
  type InitProducerIdResponseInput,
} from '../../protocol/generated/init-producer-id-response.ts'
import { forVersion } from '../../txn/errors.ts'
import { api } from '../registry.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation, ResourceType } from '../../security/acl-authorizer.ts'

export default api(
  22,
  { min: 0, max: 5 },
  {
    decode: decodeInitProducerIdRequest,
    encode: encodeInitProducerIdResponse,
    handle: async (req, ctx): Promise<InitProducerIdResponseInput> => {
      const fail = (errorCode: number): InitProducerIdResponseInput => ({
        throttleTimeMs: 0,
        errorCode,
        producerId: -1n,
        producerEpoch: -1,
      })
      const authz = authzOf(ctx)
      if (req.transactionalId !== null) {
        if (!authz.transactionalId(req.transactionalId, AclOperation.WRITE)) {
          return fail(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
        }
        if (!ctx.broker.txn.loaded) return fail(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
        try {
          const r = await ctx.broker.txn.initProducerId(
            req.transactionalId,
            req.transactionTimeoutMs,
            ctx.apiVersion >= 3 ? req.producerId : -1n,
            ctx.apiVersion >= 3 ? req.producerEpoch : -1,
          )
          return { throttleTimeMs: 0, ...r, errorCode: forVersion(r.errorCode, ctx.apiVersion, 4) }
        } catch (err) {
          ctx.log.warn({ err: (err as Error).message }, 'InitProducerId failed')
          return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE)
        }
      }
      // KIP-679: IDEMPOTENT_WRITE on the cluster, or WRITE on at least one topic.
      if (
        !authz.cluster(AclOperation.IDEMPOTENT_WRITE) &&
        !authz.anyOfType(ResourceType.TOPIC, AclOperation.WRITE)
      ) {
        return fail(ErrorCode.CLUSTER_AUTHORIZATION_FAILED)
      }
      const producerId = await ctx.broker.dataPath.producerIds.allocate()
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId, producerEpoch: 0 }
    },
  },
)
