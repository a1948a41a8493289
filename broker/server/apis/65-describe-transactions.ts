// DescribeTransactions (key 65), v0 (flexible). The coordinator's view of each transactional id: state
// (Kafka's names: Empty, Ongoing, PrepareCommit, ...), timeout, start time, producer id and epoch, and the
// partitions of the open transaction. Unknown ids answer TRANSACTIONAL_ID_NOT_FOUND. Each id needs
// DESCRIBE (TRANSACTIONAL_ID_AUTHORIZATION_FAILED); topics the principal may not describe are left out.
import { ErrorCode } from '../../protocol/errors.ts'
import { decodeDescribeTransactionsRequest } from '../../protocol/generated/describe-transactions-request.ts'
import {
  encodeDescribeTransactionsResponse,
  type DescribeTransactionsResponseInput,
} from '../../protocol/generated/describe-transactions-response.ts'
import { partitionList } from '../../txn/txn-metadata.ts'
import { api } from '../registry.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'

type TransactionState = NonNullable<DescribeTransactionsResponseInput['transactionStates']>[number]

function failed(transactionalId: string, errorCode: number): TransactionState {
  return {
    transactionalId,
    errorCode,
    transactionState: '',
    transactionTimeoutMs: 0,
    transactionStartTimeMs: -1n,
    producerId: -1n,
    producerEpoch: -1,
    topics: [],
  }
}

export default api(
  65,
  { min: 0, max: 0 },
  {
    decode: decodeDescribeTransactionsRequest,
    encode: encodeDescribeTransactionsResponse,
    handle: (req, ctx): DescribeTransactionsResponseInput => {
      const { txn } = ctx.broker
      const authz = authzOf(ctx)
      return {
        throttleTimeMs: 0,
        transactionStates: req.transactionalIds.map((transactionalId) => {
          if (!authz.transactionalId(transactionalId, AclOperation.DESCRIBE))
            return failed(transactionalId, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
          const meta = txn.loaded ? txn.get(transactionalId) : undefined
          if (meta === undefined) {
            const code = txn.loaded
              ? ErrorCode.TRANSACTIONAL_ID_NOT_FOUND
              : ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
            return failed(transactionalId, code)
          }
          return {
            transactionalId,
            errorCode: ErrorCode.NONE,
            transactionState: meta.state,
            transactionTimeoutMs: meta.timeoutMs,
            transactionStartTimeMs: BigInt(meta.txnStartMs),
            producerId: meta.producerId,
            producerEpoch: meta.producerEpoch,
            topics: authz.all
              ? partitionList(meta)
              : partitionList(meta).filter((t) => authz.topic(t.topic, AclOperation.DESCRIBE)),
          }
        }),
      }
    },
  },
)
