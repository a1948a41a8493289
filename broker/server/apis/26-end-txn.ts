// EndTxn (key 26), v0-v5. Commits or aborts the producer's open transaction: PrepareCommit/PrepareAbort is
// written to __transaction_state, then the markers to every partition of the transaction, then
// CompleteCommit/CompleteAbort; the answer comes once the markers are written. v1: same as v0.
// v2: PRODUCER_FENCED may be returned (older versions get INVALID_PRODUCER_EPOCH). v3: flexible versions.
// v4: TRANSACTION_ABORTABLE may be returned (never here). v5: producerId/producerEpoch in the response
// (KIP-890 part 2; this coordinator does not bump the epoch per transaction, so they are the current ones).
// An EndTxn whose producer id or epoch is not the current one, or that does not match the transaction's
// state (a delayed request of an older transaction), changes nothing. Needs WRITE on the transactional id.
import { ErrorCode } from '../../protocol/errors.ts'
import { decodeEndTxnRequest } from '../../protocol/generated/end-txn-request.ts'
import { encodeEndTxnResponse, type EndTxnResponseInput } from '../../protocol/generated/end-txn-response.ts'
import { forVersion } from '../../txn/errors.ts'
import { api } from '../registry.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'

export default api(
  26,
  { min: 0, max: 5 },
  {
    decode: decodeEndTxnRequest,
    encode: encodeEndTxnResponse,
    handle: async (req, ctx): Promise<EndTxnResponseInput> => {
      const answer = (errorCode: number): EndTxnResponseInput => ({
        throttleTimeMs: 0,
        errorCode,
        producerId: errorCode === ErrorCode.NONE ? req.producerId : -1n,
        producerEpoch: errorCode === ErrorCode.NONE ? req.producerEpoch : -1,
      })
      if (!authzOf(ctx).transactionalId(req.transactionalId, AclOperation.WRITE)) {
        return answer(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
      }
      if (!ctx.broker.txn.loaded) return answer(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
      try {
        const code = await ctx.broker.txn.endTxn(
          req.transactionalId,
          req.producerId,
          req.producerEpoch,
          req.committed,
        )
        return answer(forVersion(code, ctx.apiVersion, 2))
      } catch (err) {
        ctx.log.warn({ err: (err as Error).message }, 'EndTxn failed')
        return answer(ErrorCode.COORDINATOR_NOT_AVAILABLE)
      }
    },
  },
)
