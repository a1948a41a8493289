// AddOffsetsToTxn (key 25), v0-v4. The group's __consumer_offsets partition joins the producer's
// transaction, so the TxnOffsetCommit that follows is completed by the same markers. v1: same as v0.
// v2: PRODUCER_FENCED may be returned (older versions get INVALID_PRODUCER_EPOCH). v3: flexible versions.
// v4: TRANSACTION_ABORTABLE may be returned (never here).
// Needs WRITE on the transactional id and READ on the group.
import { ErrorCode } from '../../protocol/errors.ts'
import { decodeAddOffsetsToTxnRequest } from '../../protocol/generated/add-offsets-to-txn-request.ts'
import {
  encodeAddOffsetsToTxnResponse,
  type AddOffsetsToTxnResponseInput,
} from '../../protocol/generated/add-offsets-to-txn-response.ts'
import { forVersion } from '../../txn/errors.ts'
import { api } from '../registry.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'

export default api(
  25,
  { min: 0, max: 4 },
  {
    decode: decodeAddOffsetsToTxnRequest,
    encode: encodeAddOffsetsToTxnResponse,
    handle: async (req, ctx): Promise<AddOffsetsToTxnResponseInput> => {
      const authz = authzOf(ctx)
      if (!authz.transactionalId(req.transactionalId, AclOperation.WRITE)) {
        return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED }
      }
      if (!authz.group(req.groupId, AclOperation.READ)) {
        return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED }
      }
      if (!ctx.broker.txn.loaded)
        return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS }
      try {
        const code = await ctx.broker.txn.addOffsets(
          req.transactionalId,
          req.producerId,
          req.producerEpoch,
          req.groupId,
        )
        return { throttleTimeMs: 0, errorCode: forVersion(code, ctx.apiVersion, 2) }
      } catch (err) {
        ctx.log.warn({ err: (err as Error).message }, 'AddOffsetsToTxn failed')
        return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE }
      }
    },
  },
)
