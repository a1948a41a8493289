// Authorization with real clients: with an authorizer configured, a principal holding only READ on topic
// `a` sees only `a` in Metadata, reads `a`, and can neither produce to `a` nor read `b`; without READ on
// its group a consumer is refused with GROUP_AUTHORIZATION_FAILED, and a transactional producer without
// WRITE on its transactional id with TRANSACTIONAL_ID_AUTHORIZATION_FAILED.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { Consumer, Producer } from '@platformatic/kafka'
import { Kafka, logLevel, type Admin } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'

const run = promisify(execFile)
let broker: RunningBroker

const kafka = (user: string): Kafka =>
  new Kafka({
    clientId: `authz-${user}`,
    brokers: [broker.bootstrap],
    sasl: { mechanism: 'plain', username: user, password: `${user}-secret` },
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  })

const kcatAs = (user: string, ...args: string[]): Promise<{ stdout: string }> =>
  run('kcat', [
    '-b',
    broker.bootstrap,
    '-X',
    'security.protocol=SASL_PLAINTEXT',
    '-X',
    'sasl.mechanisms=PLAIN',
    '-X',
    `sasl.username=${user}`,
    '-X',
    `sasl.password=${user}-secret`,
    ...args,
  ])

/** Kafka error names (apiId) in a @platformatic/kafka error, however deeply nested. */
function apiErrors(e: unknown): string[] {
  if (e === null || typeof e !== 'object') return []
  const { apiId, errors } = e as { apiId?: unknown; errors?: unknown }
  return [
    ...(typeof apiId === 'string' ? [apiId] : []),
    ...(Array.isArray(errors) ? errors.flatMap(apiErrors) : []),
  ]
}

/** Grants alice an ALLOW ACL (literal pattern, any host), as the super user. */
async function grant(acl: { resourceType: number; resourceName: string; operation: number }): Promise<void> {
  const admin = kafka('admin').admin()
  await admin.connect()
  await admin.createAcls({
    acl: [{ ...acl, resourcePatternType: 3, principal: 'User:alice', host: '*', permissionType: 3 }],
  } as unknown as Parameters<Admin['createAcls']>[0])
  await admin.disconnect()
}

beforeAll(async () => {
  broker = await startBroker({
    config: {
      listeners: 'SASL_PLAINTEXT://127.0.0.1:0',
      'listener.name.sasl_plaintext.plain.sasl.jaas.config':
        'org.apache.kafka.common.security.plain.PlainLoginModule required user_admin="admin-secret" user_alice="alice-secret";',
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users': 'User:admin',
    },
  })
  const admin = kafka('admin').admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic: 'a' }, { topic: 'b' }] })
  await admin.createAcls({
    acl: [
      {
        resourceType: 2, // TOPIC
        resourceName: 'a',
        resourcePatternType: 3, // LITERAL
        principal: 'User:alice',
        host: '*',
        operation: 3, // READ
        permissionType: 3, // ALLOW
      },
    ],
  })
  await admin.disconnect()
  const producer = kafka('admin').producer()
  await producer.connect()
  await producer.send({ topic: 'a', messages: [{ value: 'in-a' }] })
  await producer.send({ topic: 'b', messages: [{ value: 'in-b' }] })
  await producer.disconnect()
})

afterAll(async () => {
  await broker?.stop()
})

describe('topic authorization', () => {
  it('shows alice only the topics she may describe', async () => {
    const { stdout } = await kcatAs('alice', '-L', '-J', '-m', '10')
    expect(JSON.parse(stdout).topics.map((t: { topic: string }) => t.topic)).toEqual(['a'])
  })

  it('lets alice read a but not produce to a', async () => {
    const { stdout } = await kcatAs(
      'alice',
      '-C',
      '-t',
      'a',
      '-p',
      '0',
      '-o',
      'beginning',
      '-c',
      '1',
      '-e',
      '-m',
      '10',
    )
    expect(stdout.trim()).toBe('in-a')
    const producer = kafka('alice').producer()
    await producer.connect()
    await expect(producer.send({ topic: 'a', messages: [{ value: 'x' }] })).rejects.toThrow(/authoriz/i)
    await producer.disconnect()
  })

  it('refuses alice reading b', async () => {
    await expect(
      kcatAs('alice', '-C', '-t', 'b', '-p', '0', '-o', 'beginning', '-c', '1', '-e', '-m', '5'),
    ).rejects.toThrow(/authoriz/i)
  })
})

describe('group and transactional id authorization', () => {
  it('refuses a consumer group alice may not read', async () => {
    const consumer = new Consumer({
      clientId: 'authz-alice',
      groupId: 'g-alice',
      bootstrapBrokers: [broker.bootstrap],
      sasl: { mechanism: 'PLAIN', username: 'alice', password: 'alice-secret' },
      retries: 0,
    })
    const err = await consumer.consume({ topics: ['a'] }).then(
      () => null,
      (e: unknown) => e,
    )
    await consumer.close(true)
    expect(apiErrors(err)).toContain('GROUP_AUTHORIZATION_FAILED')
  })

  it('refuses a transactional producer without WRITE on its transactional id', async () => {
    // KIP-679: the idempotent part needs WRITE on some topic (or IDEMPOTENT_WRITE on the cluster).
    await grant({ resourceType: 2, resourceName: 'alice-out', operation: 4 })
    const producer = new Producer({
      clientId: 'authz-alice-txn',
      bootstrapBrokers: [broker.bootstrap],
      sasl: { mechanism: 'PLAIN', username: 'alice', password: 'alice-secret' },
      retries: 0,
      idempotent: true,
      transactionalId: 'tx-alice',
    })
    const err = await producer.beginTransaction().then(
      () => null,
      (e: unknown) => e,
    )
    await producer.close(true)
    expect(apiErrors(err)).toContain('TRANSACTIONAL_ID_AUTHORIZATION_FAILED')
  })
})
