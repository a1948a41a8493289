// ListTransactions (key 66), v0-v1 (flexible). Every transactional id the coordinator knows, filtered by
// state names (unknown names come back in unknownStateFilters) and producer ids; empty filters match all.
// Only ids the principal may DESCRIBE are listed.
// v1: durationFilter, only transactions running longer than that many milliseconds (-1: no filter).
import { ErrorCode } from '../../protocol/errors.ts'
import { decodeListTransactionsRequest } from '../../protocol/generated/list-transactions-request.ts'
import {
  encodeListTransactionsResponse,
  type ListTransactionsResponseInput,
} from '../../protocol/generated/list-transactions-response.ts'
import { TXN_STATE_NAMES, type TxnState } from '../../txn/txn-metadata.ts'
import { api } from '../registry.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'

export default api(
  66,
  { min: 0, max: 1 },
  {
    decode: decodeListTransactionsRequest,
    encode: encodeListTransactionsResponse,
    handle: (req, ctx): ListTransactionsResponseInput => {
      const { txn } = ctx.broker
      const known = new Set<string>(TXN_STATE_NAMES)
      const unknownStateFilters = req.stateFilters.filter((s) => !known.has(s))
      if (!txn.loaded) {
        return {
          throttleTimeMs: 0,
          errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
          unknownStateFilters,
          transactionStates: [],
        }
      }
      const states = new Set(req.stateFilters.filter((s): s is TxnState => known.has(s)))
      const producerIds = new Set(req.producerIdFilters)
      const minDuration = ctx.apiVersion >= 1 ? req.durationFilter : -1n
      const now = Date.now()
      const authz = authzOf(ctx)
      const transactionStates = [...txn.all()]
        .filter(
          (m) =>
            (req.stateFilters.length === 0 || states.has(m.state)) &&
            (producerIds.size === 0 || producerIds.has(m.producerId)) &&
            authz.transactionalId(m.transactionalId, AclOperation.DESCRIBE) &&
            (minDuration < 0n || (m.txnStartMs >= 0 && BigInt(now - m.txnStartMs) > minDuration)),
        )
        .map((m) => ({
          transactionalId: m.transactionalId,
          producerId: m.producerId,
          transactionState: m.state,
        }))
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, unknownStateFilters, transactionStates }
    },
  },
)
