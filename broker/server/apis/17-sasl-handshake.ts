// SaslHandshake (key 17), v0-v1. The SASL tokens must then travel in SaslAuthenticate (KIP-152): raw
// token frames after a v0 handshake are not served (v0 is advertised because librdkafka requires it
// in the range before it uses SaslAuthenticate). Picks the mechanism for this connection's exchange.
import { decodeSaslHandshakeRequest } from '../../protocol/generated/sasl-handshake-request.ts'
import {
  encodeSaslHandshakeResponse,
  type SaslHandshakeResponseInput,
} from '../../protocol/generated/sasl-handshake-response.ts'
import { ErrorCode } from '../../protocol/errors.ts'
import { enabledMechanisms } from '../../security/sasl-session.ts'
import { api } from '../registry.ts'

export default api(
  17,
  { min: 0, max: 1 },
  {
    decode: decodeSaslHandshakeRequest,
    encode: encodeSaslHandshakeResponse,
    handle: (req, ctx): SaslHandshakeResponseInput => {
      const mechanisms = enabledMechanisms(ctx.broker.config)
      const session = ctx.conn.sasl
      if (!session || session.authenticated || session.failed || session.mechanism !== null) {
        return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms }
      }
      if (!mechanisms.includes(req.mechanism)) {
        return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms }
      }
      session.mechanism = req.mechanism
      return { errorCode: ErrorCode.NONE, mechanisms }
    },
  },
)
