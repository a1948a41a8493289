// AlterConfigs (key 33), v0-v2: the legacy, replace-everything form (the given configs become the
// resource's whole override set). v1: same as v0. v2: flexible.
// Unknown names and invalid values answer INVALID_CONFIG with a message; validateOnly changes nothing.
// Needs ALTER_CONFIGS on the topic (or the cluster for broker resources).
import { decodeAlterConfigsRequest } from '../../protocol/generated/alter-configs-request.ts'
import {
  encodeAlterConfigsResponse,
  type AlterConfigsResponseInput,
} from '../../protocol/generated/alter-configs-response.ts'
import { AlterOp, alterResource } from '../config-resources.ts'
import { api } from '../registry.ts'

export default api(
  33,
  { min: 0, max: 2 },
  {
    decode: decodeAlterConfigsRequest,
    encode: encodeAlterConfigsResponse,
    handle: async (req, ctx): Promise<AlterConfigsResponseInput> => {
      const responses: NonNullable<AlterConfigsResponseInput['responses']>[number][] = []
      for (const r of req.resources) {
        const res = await alterResource(
          ctx,
          r.resourceType,
          r.resourceName,
          r.configs.map((c) => ({ name: c.name, op: AlterOp.SET, value: c.value })),
          { replace: true, validateOnly: req.validateOnly },
        )
        responses.push({ resourceType: r.resourceType, resourceName: r.resourceName, ...res })
      }
      return { throttleTimeMs: 0, responses }
    },
  },
)
