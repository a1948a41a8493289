// SaslAuthenticate (key 36), v0-v2. v2: flexible.
// Runs one step of the mechanism chosen by SaslHandshake: PLAIN in one step, SCRAM in two. Success sets
// the connection's principal (`User:<name>`). A failure answers SASL_AUTHENTICATION_FAILED after
// connection.failed.authentication.delay.ms (slowing password guessing, as Kafka does) and the
// connection accepts nothing more.
import { setTimeout as sleep } from 'node:timers/promises'
import { decodeSaslAuthenticateRequest } from '../../protocol/generated/sasl-authenticate-request.ts'
import {
  encodeSaslAuthenticateResponse,
  type SaslAuthenticateResponseInput,
} from '../../protocol/generated/sasl-authenticate-response.ts'
import { ErrorCode } from '../../protocol/errors.ts'
import { authenticatePlain, plainUsers } from '../../security/sasl-plain.ts'
import { isAuthError, plainJaasConfig } from '../../security/sasl-session.ts'
import { ScramServer, mechanismByName } from '../../security/scram.ts'
import { api } from '../registry.ts'

const EMPTY = Buffer.alloc(0)

export default api(
  36,
  { min: 0, max: 2 },
  {
    decode: decodeSaslAuthenticateRequest,
    encode: encodeSaslAuthenticateResponse,
    handle: async (req, ctx): Promise<SaslAuthenticateResponseInput> => {
      const session = ctx.conn.sasl
      if (!session || session.authenticated || session.failed || session.mechanism === null) {
        return {
          errorCode: ErrorCode.ILLEGAL_SASL_STATE,
          errorMessage: 'Unexpected SaslAuthenticate request',
        }
      }
      try {
        if (session.mechanism === 'PLAIN') {
          const users = plainUsers(plainJaasConfig(ctx.broker.config, ctx.conn.listener.name))
          const user = authenticatePlain(req.authBytes, users)
          ctx.conn.principal = `User:${user}`
          session.authenticated = true
          return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: EMPTY, sessionLifetimeMs: 0n }
        }
        const mech = mechanismByName(session.mechanism)
        if (!mech) throw new Error(`mechanism ${session.mechanism} has no server`)
        session.scram ??= new ScramServer(mech, ctx.broker.metadata.image)
        const { response, complete } = session.scram.evaluate(req.authBytes)
        if (complete) {
          ctx.conn.principal = `User:${session.scram.user}`
          session.authenticated = true
          session.scram = null
        }
        return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: response, sessionLifetimeMs: 0n }
      } catch (err) {
        if (!isAuthError(err)) throw err
        session.failed = true
        session.scram = null
        ctx.log.info({ principal: ctx.conn.principal, err: err.message }, 'SASL authentication failed')
        await sleep(ctx.broker.config.int('connection.failed.authentication.delay.ms'))
        return {
          errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
          errorMessage: err.message,
          authBytes: EMPTY,
        }
      }
    },
  },
)
