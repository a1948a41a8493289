// FindCoordinator (key 10), v0-v6. This single node coordinates every group and transactional id.
// v1: key type (0 group, 1 transaction) and an error message. v2: same as v1. v3: flexible.
// v4: batched lookups (coordinatorKeys in, coordinators out; the single-key fields are gone).
// v5: TRANSACTION_ABORTABLE may be returned (never by this lookup). v6: share-group keys (type 2),
// refused here with INVALID_REQUEST as no share coordinator runs.
// Groups answer COORDINATOR_NOT_AVAILABLE until __consumer_offsets is loaded, so clients retry the lookup.
import { ErrorCode } from '../../protocol/errors.ts'
import { decodeFindCoordinatorRequest } from '../../protocol/generated/find-coordinator-request.ts'
import {
  encodeFindCoordinatorResponse,
  type FindCoordinatorResponseInput,
} from '../../protocol/generated/find-coordinator-response.ts'
import { api, type RequestContext } from '../registry.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'

const GROUP = 0
const TRANSACTION = 1

function lookup(
  ctx: RequestContext,
  keyType: number,
  key: string,
): { errorCode: number; errorMessage: string | null } {
  const { broker } = ctx
  if (keyType !== GROUP && keyType !== TRANSACTION)
    return {
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: `Unsupported coordinator key type ${keyType}`,
    }
  // DESCRIBE on the group or transactional id, as in Kafka.
  const authz = authzOf(ctx)
  if (keyType === GROUP && !authz.group(key, AclOperation.DESCRIBE))
    return { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: null }
  if (keyType === TRANSACTION && !authz.transactionalId(key, AclOperation.DESCRIBE))
    return { errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, errorMessage: null }
  if (keyType === GROUP && !broker.groups.loaded)
    return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'The coordinator is loading.' }
  return { errorCode: ErrorCode.NONE, errorMessage: null }
}

export default api(
  10,
  { min: 0, max: 6 },
  {
    decode: decodeFindCoordinatorRequest,
    encode: encodeFindCoordinatorResponse,
    handle: (req, ctx): FindCoordinatorResponseInput => {
      const { broker } = ctx
      const node = { nodeId: broker.nodeId, ...ctx.conn.listener.advertised }
      const noNode = { nodeId: -1, host: '', port: -1 }
      if (ctx.apiVersion >= 4) {
        return {
          throttleTimeMs: 0,
          coordinators: req.coordinatorKeys.map((key) => {
            const r = lookup(ctx, req.keyType, key)
            return { key, ...(r.errorCode === ErrorCode.NONE ? node : noNode), ...r }
          }),
        }
      }
      const r = lookup(ctx, ctx.apiVersion >= 1 ? req.keyType : GROUP, req.key)
      return { throttleTimeMs: 0, ...(r.errorCode === ErrorCode.NONE ? node : noNode), ...r }
    },
  },
)
