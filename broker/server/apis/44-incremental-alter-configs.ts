// IncrementalAlterConfigs (key 44), v0-v1. v1: flexible.
// Operations per config: SET (0), DELETE (1, back to the default), APPEND (2) and SUBTRACT (3) for list
// configs such as cleanup.policy. Unknown names and invalid values answer INVALID_CONFIG.
// Needs ALTER_CONFIGS on the topic (or the cluster for broker resources).
import { decodeIncrementalAlterConfigsRequest } from '../../protocol/generated/incremental-alter-configs-request.ts'
import {
  encodeIncrementalAlterConfigsResponse,
  type IncrementalAlterConfigsResponseInput,
} from '../../protocol/generated/incremental-alter-configs-response.ts'
import { alterResource } from '../config-resources.ts'
import { api } from '../registry.ts'

export default api(
  44,
  { min: 0, max: 1 },
  {
    decode: decodeIncrementalAlterConfigsRequest,
    encode: encodeIncrementalAlterConfigsResponse,
    handle: async (req, ctx): Promise<IncrementalAlterConfigsResponseInput> => {
      const responses: NonNullable<IncrementalAlterConfigsResponseInput['responses']>[number][] = []
      for (const r of req.resources) {
        const res = await alterResource(
          ctx,
          r.resourceType,
          r.resourceName,
          r.configs.map((c) => ({ name: c.name, op: c.configOperation, value: c.value })),
          { replace: false, validateOnly: req.validateOnly },
        )
        responses.push({ resourceType: r.resourceType, resourceName: r.resourceName, ...res })
      }
      return { throttleTimeMs: 0, responses }
    },
  },
)
