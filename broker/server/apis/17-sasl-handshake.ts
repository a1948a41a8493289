// SaslHandshake (key 17), v0-v1. Picks the mechanism for this connection's exchange.
// v0: the SASL tokens then travel as bare size-prefixed frames with no request header, answered the
// same way (the connection handles them). v1 (KIP-152): they travel in SaslAuthenticate requests.
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
      const mechanisms = enabledMechanisms(ctx.broker.config, ctx.conn.listener.name)
      const session = ctx.conn.sasl
      if (!session || session.authenticated || session.failed || session.mechanism !== null) {
        return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms }
      }
      if (!mechanisms.includes(req.mechanism)) {
        return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms }
      }
      session.mechanism = req.mechanism
      session.raw = ctx.apiVersion === 0
      return { errorCode: ErrorCode.NONE, mechanisms }
    },
  },
)
