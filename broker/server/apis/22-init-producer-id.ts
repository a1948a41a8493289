// InitProducerId (key 22), v0-v5.
// v1: same as v0. v2: flexible versions. v3: producerId/producerEpoch in the request, so an idempotent
// producer can ask for a fresh id after UNKNOWN_PRODUCER_ID / OUT_OF_ORDER (KIP-360). v4: the response
// may carry PRODUCER_FENCED for transactional ids. v5: same as v4 (KIP-890).
// Idempotent producers (no transactional id) always get a new producer id at epoch 0; ids come from
// blocks reserved durably, so they stay unique across restarts. Transactional ids need the transaction
// coordinator; without one this broker answers COORDINATOR_NOT_AVAILABLE.
import { ErrorCode } from '../../protocol/errors.ts'
import { decodeInitProducerIdRequest } from '../../protocol/generated/init-producer-id-request.ts'
import {
  encodeInitProducerIdResponse,
  type InitProducerIdResponseInput,
} from '../../protocol/generated/init-producer-id-response.ts'
import { api } from '../registry.ts'

export default api(
  22,
  { min: 0, max: 5 },
  {
    decode: decodeInitProducerIdRequest,
    encode: encodeInitProducerIdResponse,
    handle: async (req, ctx): Promise<InitProducerIdResponseInput> => {
      if (req.transactionalId !== null) {
        return {
          throttleTimeMs: 0,
          errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE,
          producerId: -1n,
          producerEpoch: -1,
        }
      }
      const producerId = await ctx.broker.dataPath.producerIds.allocate()
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId, producerEpoch: 0 }
    },
  },
)
