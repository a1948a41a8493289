// Authorization in the data path: with an authorizer configured, a principal holding only READ on topic
// `a` sees only `a` in Metadata, reads `a`, and can neither produce to `a` nor read `b`.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { Kafka, logLevel } from 'kafkajs'
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
