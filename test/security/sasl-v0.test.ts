// SaslHandshake v0: the SASL tokens then travel as bare size-prefixed frames, without request or response
// headers. A good PLAIN token gets an empty token back and Kafka requests follow; a bad one closes the
// connection (a bare exchange has no error code), after connection.failed.authentication.delay.ms.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ErrorCode } from '../../broker/protocol/errors.ts'
import { decodeMetadataResponse } from '../../broker/protocol/generated/metadata-response.ts'
import { encodeMetadataRequest } from '../../broker/protocol/generated/metadata-request.ts'
import { decodeSaslHandshakeResponse } from '../../broker/protocol/generated/sasl-handshake-response.ts'
import { encodeSaslHandshakeRequest } from '../../broker/protocol/generated/sasl-handshake-request.ts'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'
import { RawClient } from '../helpers/raw-client.ts'

let broker: RunningBroker

beforeAll(async () => {
  broker = await startBroker({
    config: {
      listeners: 'SASL_PLAINTEXT://127.0.0.1:0',
      'listener.name.sasl_plaintext.plain.sasl.jaas.config':
        'org.apache.kafka.common.security.plain.PlainLoginModule required user_admin="admin-secret";',
    },
  })
})

afterAll(async () => {
  await broker?.stop()
})

function bareToken(user: string, password: string): Buffer {
  const token = Buffer.from(`\u0000${user}\u0000${password}`)
  const size = Buffer.alloc(4)
  size.writeInt32BE(token.length)
  return Buffer.concat([size, token])
}

const handshakeV0 = RawClient.frame(17, 0, 1, (w) => encodeSaslHandshakeRequest(w, { mechanism: 'PLAIN' }, 0))

describe('SaslHandshake v0 with bare SASL tokens', () => {
  it('authenticates with a bare PLAIN token sent right behind the handshake, then serves requests', async () => {
    const c = await RawClient.connect(broker.port)
    c.send(Buffer.concat([handshakeV0, bareToken('admin', 'admin-secret')]))
    const hs = decodeSaslHandshakeResponse(RawClient.parse(await c.next(), 17, 0).body, 0)
    expect(hs.errorCode).toBe(ErrorCode.NONE)
    expect(hs.mechanisms).toContain('PLAIN')
    expect((await c.next()).length).toBe(0)
    c.send(RawClient.frame(3, 12, 2, (w) => encodeMetadataRequest(w, { topics: [] }, 12)))
    const { correlationId, body } = RawClient.parse(await c.next(), 3, 12)
    expect(correlationId).toBe(2)
    expect(decodeMetadataResponse(body, 12).brokers).toEqual([
      expect.objectContaining({ host: '127.0.0.1', port: broker.port }),
    ])
    c.close()
  })

  it('closes the connection on a wrong password', async () => {
    const c = await RawClient.connect(broker.port)
    c.send(handshakeV0)
    expect(decodeSaslHandshakeResponse(RawClient.parse(await c.next(), 17, 0).body, 0).errorCode).toBe(
      ErrorCode.NONE,
    )
    c.send(bareToken('admin', 'wrong'))
    await c.closed
  })

  it('caps bare token frames at sasl.server.max.receive.size', async () => {
    const c = await RawClient.connect(broker.port)
    c.send(handshakeV0)
    await c.next()
    const size = Buffer.alloc(4)
    size.writeInt32BE(524289)
    c.send(size)
    await c.closed
  })
})
