// SASL on a SASL_PLAINTEXT listener: only ApiVersions and the SASL exchange before authentication;
// PLAIN against JAAS-configured users; SCRAM-SHA-256/512 against credentials set with
// AlterUserScramCredentials (stored salted in the metadata log), used by kafkajs, kcat and
// confluent-kafka; wrong passwords refused.
import { execFile } from 'node:child_process'
import { pbkdf2Sync, randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ErrorCode } from '../../broker/protocol/errors.ts'
import { encodeAlterUserScramCredentialsRequest } from '../../broker/protocol/generated/alter-user-scram-credentials-request.ts'
import { decodeAlterUserScramCredentialsResponse } from '../../broker/protocol/generated/alter-user-scram-credentials-response.ts'
import { encodeDescribeUserScramCredentialsRequest } from '../../broker/protocol/generated/describe-user-scram-credentials-request.ts'
import { decodeDescribeUserScramCredentialsResponse } from '../../broker/protocol/generated/describe-user-scram-credentials-response.ts'
import { encodeMetadataRequest } from '../../broker/protocol/generated/metadata-request.ts'
import { encodeSaslAuthenticateRequest } from '../../broker/protocol/generated/sasl-authenticate-request.ts'
import { decodeSaslAuthenticateResponse } from '../../broker/protocol/generated/sasl-authenticate-response.ts'
import { encodeSaslHandshakeRequest } from '../../broker/protocol/generated/sasl-handshake-request.ts'
import { decodeSaslHandshakeResponse } from '../../broker/protocol/generated/sasl-handshake-response.ts'
import type { Reader } from '../../broker/protocol/primitives/reader.ts'
import type { Writer } from '../../broker/protocol/primitives/writer.ts'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'
import { RawClient } from '../helpers/raw-client.ts'

const run = promisify(execFile)
let broker: RunningBroker
let correlation = 1

async function call<T>(
  c: RawClient,
  key: number,
  version: number,
  body: (w: Writer) => void,
  decode: (r: Reader, v: number) => T,
): Promise<T> {
  const id = correlation++
  c.send(RawClient.frame(key, version, id, body))
  const { body: r } = RawClient.parse(await c.next(), key, version)
  return decode(r, version)
}

async function plainLogin(c: RawClient, user: string, password: string): Promise<number> {
  const hs = await call(
    c,
    17,
    1,
    (w) => encodeSaslHandshakeRequest(w, { mechanism: 'PLAIN' }, 1),
    decodeSaslHandshakeResponse,
  )
  expect(hs.errorCode).toBe(ErrorCode.NONE)
  const auth = await call(
    c,
    36,
    2,
    (w) => encodeSaslAuthenticateRequest(w, { authBytes: Buffer.from(`\u0000${user}\u0000${password}`) }, 2),
    decodeSaslAuthenticateResponse,
  )
  return auth.errorCode
}

beforeAll(async () => {
  broker = await startBroker({
    config: {
      listeners: 'SASL_PLAINTEXT://127.0.0.1:0',
      'listener.name.sasl_plaintext.plain.sasl.jaas.config':
        'org.apache.kafka.common.security.plain.PlainLoginModule required user_admin="admin-secret";',
    },
  })
  const c = await RawClient.connect(broker.port)
  expect(await plainLogin(c, 'admin', 'admin-secret')).toBe(ErrorCode.NONE)
  const upsertions = [1, 2].map((mechanism) => {
    const salt = randomBytes(16)
    const saltedPassword = pbkdf2Sync(
      'alice-secret',
      salt,
      4096,
      mechanism === 1 ? 32 : 64,
      mechanism === 1 ? 'sha256' : 'sha512',
    )
    return { name: 'alice', mechanism, iterations: 4096, salt, saltedPassword }
  })
  const res = await call(
    c,
    51,
    0,
    (w) => encodeAlterUserScramCredentialsRequest(w, { deletions: [], upsertions }, 0),
    decodeAlterUserScramCredentialsResponse,
  )
  expect(res.results.map((r) => [r.user, r.errorCode])).toEqual([['alice', ErrorCode.NONE]])
  c.close()
})

afterAll(async () => {
  await broker?.stop()
})

describe('SASL_PLAINTEXT listener', () => {
  it('refuses any request but ApiVersions and the SASL exchange before authentication', async () => {
    const c = await RawClient.connect(broker.port)
    c.send(RawClient.frame(3, 12, correlation++, (w) => encodeMetadataRequest(w, { topics: [] }, 12)))
    await c.closed
  })

  it('closes an unauthenticated connection announcing a frame over sasl.server.max.receive.size', async () => {
    const c = await RawClient.connect(broker.port)
    const prefix = Buffer.alloc(8)
    prefix.writeInt32BE(524289)
    c.send(prefix)
    await c.closed
  })

  it('refuses a wrong PLAIN password with SASL_AUTHENTICATION_FAILED', async () => {
    const c = await RawClient.connect(broker.port)
    expect(await plainLogin(c, 'admin', 'wrong')).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED)
    c.close()
  })

  it('describes SCRAM credentials without secrets, and they survive a restart', async () => {
    broker = await broker.restart()
    const c = await RawClient.connect(broker.port)
    expect(await plainLogin(c, 'admin', 'admin-secret')).toBe(ErrorCode.NONE)
    const res = await call(
      c,
      50,
      0,
      (w) => encodeDescribeUserScramCredentialsRequest(w, { users: null }, 0),
      decodeDescribeUserScramCredentialsResponse,
    )
    expect(res.results).toEqual([
      expect.objectContaining({
        user: 'alice',
        errorCode: 0,
        credentialInfos: [
          expect.objectContaining({ mechanism: 1, iterations: 4096 }),
          expect.objectContaining({ mechanism: 2, iterations: 4096 }),
        ],
      }),
    ])
    c.close()
  })

  it('kafkajs authenticates with SCRAM-SHA-256, creates a topic and produces; a wrong password is refused', async () => {
    const kafka = (password: string): Kafka =>
      new Kafka({
        clientId: 'scram-test',
        brokers: [broker.bootstrap],
        sasl: { mechanism: 'scram-sha-256', username: 'alice', password },
        logLevel: logLevel.NOTHING,
        retry: { retries: 0 },
      })
    const admin = kafka('alice-secret').admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: 'scram-topic', numPartitions: 1 }] })
    await admin.disconnect()
    const producer = kafka('alice-secret').producer()
    await producer.connect()
    const [res] = await producer.send({ topic: 'scram-topic', messages: [{ value: 'hello' }] })
    expect(res?.errorCode).toBe(0)
    await producer.disconnect()
    const bad = kafka('nope').admin()
    await expect(bad.connect()).rejects.toThrow(/SASL|authentication/i)
  })

  it('kcat authenticates with SCRAM-SHA-512; a wrong password is refused', async () => {
    const args = (password: string, timeout = '10'): string[] => [
      '-b',
      broker.bootstrap,
      '-X',
      'security.protocol=SASL_PLAINTEXT',
      '-X',
      'sasl.mechanisms=SCRAM-SHA-512',
      '-X',
      'sasl.username=alice',
      '-X',
      `sasl.password=${password}`,
      '-m',
      timeout,
      '-L',
      '-J',
    ]
    const { stdout } = await run('kcat', args('alice-secret'))
    expect(JSON.parse(stdout).brokers).toHaveLength(1)
    await expect(run('kcat', args('nope', '2'))).rejects.toThrow()
  })

  it('confluent-kafka (Python) authenticates with SCRAM-SHA-512; a wrong password is refused', async () => {
    const script = `
import sys
from confluent_kafka.admin import AdminClient
a = AdminClient({'bootstrap.servers': sys.argv[1], 'security.protocol': 'SASL_PLAINTEXT',
  'sasl.mechanisms': 'SCRAM-SHA-512', 'sasl.username': 'alice', 'sasl.password': sys.argv[2]})
md = a.list_topics(timeout=float(sys.argv[3]))
print(len(md.brokers))
`
    const { stdout } = await run('/usr/bin/python3', ['-c', script, broker.bootstrap, 'alice-secret', '10'])
    expect(stdout.trim()).toBe('1')
    await expect(run('/usr/bin/python3', ['-c', script, broker.bootstrap, 'nope', '2'])).rejects.toThrow()
  })
})
