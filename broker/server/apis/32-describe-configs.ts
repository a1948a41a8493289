// DescribeConfigs (key 32), v0-v4.
// v1: includeSynonyms in the request; configSource and synonyms replace isDefault in the response.
// v2: same as v1. v3: includeDocumentation; configType and documentation in the response. v4: flexible.
// Topic resources list every topic config with its effective value and source; the broker resource
// (its node id) lists the broker configs, read-only unless Kafka can change them dynamically; the
// empty broker name lists the cluster-wide dynamic defaults. Needs DESCRIBE_CONFIGS on the topic (or the
// cluster for broker resources).
import { decodeDescribeConfigsRequest } from '../../protocol/generated/describe-configs-request.ts'
import {
  encodeDescribeConfigsResponse,
  type DescribeConfigsResponseInput,
} from '../../protocol/generated/describe-configs-response.ts'
import { describeResource } from '../config-resources.ts'
import { api } from '../registry.ts'
import { ErrorCode } from '../../protocol/errors.ts'
import { configResourceError } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'

export default api(
  32,
  { min: 0, max: 4 },
  {
    decode: decodeDescribeConfigsRequest,
    encode: encodeDescribeConfigsResponse,
    handle: (req, ctx): DescribeConfigsResponseInput => ({
      throttleTimeMs: 0,
      results: req.resources.map((r) => {
        const denied = configResourceError(ctx, r.resourceType, r.resourceName, AclOperation.DESCRIBE_CONFIGS)
        if (denied !== ErrorCode.NONE) {
          return {
            resourceType: r.resourceType,
            resourceName: r.resourceName,
            errorCode: denied,
            errorMessage: null,
            configs: [],
          }
        }
        return {
          resourceType: r.resourceType,
          resourceName: r.resourceName,
          ...describeResource(
            ctx.broker,
            r.resourceType,
            r.resourceName,
            r.configurationKeys,
            req.includeSynonyms,
            req.includeDocumentation,
          ),
        }
      }),
    }),
  },
)
