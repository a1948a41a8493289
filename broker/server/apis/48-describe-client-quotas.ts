// DescribeClientQuotas (key 48), v0-v1. v1: flexible.
// Lists the stored quota entities matching the filter (KIP-546 rules in ../../quotas/client-quotas.ts);
// a bad filter answers INVALID_REQUEST with no entries. Needs DESCRIBE_CONFIGS on the cluster.
import { decodeDescribeClientQuotasRequest } from '../../protocol/generated/describe-client-quotas-request.ts'
import {
  encodeDescribeClientQuotasResponse,
  type DescribeClientQuotasResponseInput,
} from '../../protocol/generated/describe-client-quotas-response.ts'
import { ErrorCode } from '../../protocol/errors.ts'
import { describeQuotas, QuotaError } from '../../quotas/client-quotas.ts'
import { api } from '../registry.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'

export default api(
  48,
  { min: 0, max: 1 },
  {
    decode: decodeDescribeClientQuotasRequest,
    encode: encodeDescribeClientQuotasResponse,
    handle: (req, ctx): DescribeClientQuotasResponseInput => {
      if (!authzOf(ctx).cluster(AclOperation.DESCRIBE_CONFIGS)) {
        return {
          throttleTimeMs: 0,
          errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
          errorMessage: null,
          entries: null,
        }
      }
      try {
        const found = describeQuotas(ctx.broker.metadata.image, req.components, req.strict)
        return {
          throttleTimeMs: 0,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          entries: found.map((q) => ({
            entity: q.entity,
            values: [...q.values].map(([key, value]) => ({ key, value })),
          })),
        }
      } catch (err) {
        if (!(err instanceof QuotaError)) throw err
        return {
          throttleTimeMs: 0,
          errorCode: ErrorCode.INVALID_REQUEST,
          errorMessage: err.message,
          entries: null,
        }
      }
    },
  },
)
