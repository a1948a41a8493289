// ApiVersions (key 18), v0-v4. The advertised list is the handler registry itself.
// v1 adds throttleTimeMs; v2 same as v1; v3 is flexible and adds the client software name/version to the
// request and (tagged) feature lists to the response; v4 only signals that the client handles
// UNSUPPORTED_VERSION for ApiVersions properly. A request above v4 gets a v0 response with
// UNSUPPORTED_VERSION and the list (KIP-511); the connection calls unsupportedVersionResponse for it.
import { decodeApiVersionsRequest } from '../../protocol/generated/api-versions-request.ts'
import {
  encodeApiVersionsResponse,
  type ApiVersionsResponseInput,
} from '../../protocol/generated/api-versions-response.ts'
import type { Writer } from '../../protocol/primitives/writer.ts'
import type { BrokerState } from '../broker-state.ts'
import { api } from '../registry.ts'

const UNSUPPORTED_VERSION = 35

function apiKeys(broker: BrokerState): ApiVersionsResponseInput['apiKeys'] {
  return broker.registry.list().map((a) => ({ apiKey: a.key, minVersion: a.min, maxVersion: a.max }))
}

export function unsupportedVersionResponse(w: Writer, broker: BrokerState): void {
  encodeApiVersionsResponse(w, { errorCode: UNSUPPORTED_VERSION, apiKeys: apiKeys(broker) }, 0)
}

export default api(
  18,
  { min: 0, max: 4 },
  {
    decode: decodeApiVersionsRequest,
    encode: encodeApiVersionsResponse,
    handle: (_req, ctx): ApiVersionsResponseInput => ({
      errorCode: 0,
      apiKeys: apiKeys(ctx.broker),
      throttleTimeMs: 0,
    }),
  },
)
