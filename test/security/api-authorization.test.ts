// Authorization of every API over the wire, as Kafka's KafkaApis decides it. The anonymous principal of a
// PLAINTEXT listener has no ACLs at first: each request is refused with the API's authorization error;
// after the ACLs Kafka requires are granted (by the super user over a SASL listener) the same request
// gets past authorization. Requests are built with the generated codecs.
import { Kafka, logLevel, type Admin } from 'kafkajs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ErrorCode } from '../../broker/protocol/errors.ts'
import { Reader } from '../../broker/protocol/primitives/reader.ts'
import { Writer } from '../../broker/protocol/primitives/writer.ts'
import { AclOperation, PatternType, ResourceType } from '../../broker/security/acl-authorizer.ts'
import { startBroker, type BoundListener, type RunningBroker } from '../helpers/broker-process.ts'
import { RawClient } from '../helpers/raw-client.ts'

const TOPIC_AUTH = ErrorCode.TOPIC_AUTHORIZATION_FAILED
const GROUP_AUTH = ErrorCode.GROUP_AUTHORIZATION_FAILED
const CLUSTER_AUTH = ErrorCode.CLUSTER_AUTHORIZATION_FAILED
const TXN_AUTH = ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED

const T = {
  TOPIC: ResourceType.TOPIC,
  GROUP: ResourceType.GROUP,
  CLUSTER: ResourceType.CLUSTER,
  TXN: ResourceType.TRANSACTIONAL_ID,
}
const OP = AclOperation
const { LITERAL, PREFIXED } = PatternType

type Message = Record<string, unknown>
type Codec = {
  encode: (w: Writer, v: Message, version: number) => void
  decode: (r: Reader, version: number) => Message
}

const API_KEYS: Record<string, number> = {
  produce: 0,
  fetch: 1,
  'list-offsets': 2,
  metadata: 3,
  'offset-commit': 8,
  'offset-fetch': 9,
  'find-coordinator': 10,
  'join-group': 11,
  heartbeat: 12,
  'leave-group': 13,
  'sync-group': 14,
  'describe-groups': 15,
  'list-groups': 16,
  'create-topics': 19,
  'delete-topics': 20,
  'delete-records': 21,
  'init-producer-id': 22,
  'offset-for-leader-epoch': 23,
  'add-partitions-to-txn': 24,
  'add-offsets-to-txn': 25,
  'end-txn': 26,
  'txn-offset-commit': 28,
  'describe-configs': 32,
  'alter-configs': 33,
  'describe-log-dirs': 35,
  'create-partitions': 37,
  'delete-groups': 42,
  'incremental-alter-configs': 44,
  'offset-delete': 47,
  'describe-client-quotas': 48,
  'alter-client-quotas': 49,
  'describe-user-scram-credentials': 50,
  'alter-user-scram-credentials': 51,
  'describe-cluster': 60,
  'describe-producers': 61,
  'describe-transactions': 65,
  'list-transactions': 66,
  'describe-topic-partitions': 75,
}

async function codec(api: string): Promise<Codec> {
  const camel = api.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase())
  const req = (await import(`../../broker/protocol/generated/${api}-request.ts`)) as Record<string, unknown>
  const res = (await import(`../../broker/protocol/generated/${api}-response.ts`)) as Record<string, unknown>
  return {
    encode: req[`encode${camel}Request`] as Codec['encode'],
    decode: res[`decode${camel}Response`] as Codec['decode'],
  }
}

let broker: RunningBroker
let admin: Admin
let anon: RawClient
let correlation = 0

async function call(api: string, version: number, input: Message): Promise<Message> {
  const key = API_KEYS[api] as number
  const { encode, decode } = await codec(api)
  const id = ++correlation
  anon.send(RawClient.frame(key, version, id, (w) => encode(w, input, version)))
  const res = RawClient.parse(await anon.next(), key, version)
  expect(res.correlationId).toBe(id)
  return decode(res.body, version)
}

/** Every error code anywhere in a response. */
function codes(v: unknown): number[] {
  if (Array.isArray(v)) return v.flatMap(codes)
  if (v === null || typeof v !== 'object' || Buffer.isBuffer(v)) return []
  return Object.entries(v).flatMap(([k, x]) =>
    /errorCode$/i.test(k) && typeof x === 'number' ? [x] : codes(x),
  )
}

interface Grant {
  type: number
  name: string
  op: number
  pattern?: number
}

async function grant(...grants: Grant[]): Promise<void> {
  await admin.createAcls({
    acl: grants.map((g) => ({
      resourceType: g.type,
      resourceName: g.name,
      resourcePatternType: g.pattern ?? LITERAL,
      principal: 'User:ANONYMOUS',
      host: '*',
      operation: g.op,
      permissionType: 3,
    })),
  } as unknown as Parameters<Admin['createAcls']>[0])
}

const topic = (name: string, op: number): Grant => ({ type: T.TOPIC, name, op })
const group = (name: string, op: number): Grant => ({ type: T.GROUP, name, op })
const txn = (name: string, op: number): Grant => ({ type: T.TXN, name, op })
const cluster = (op: number): Grant => ({ type: T.CLUSTER, name: 'kafka-cluster', op })

/** Refused with `code`, then past authorization once `grants` are in place. */
async function deniedThenAllowed(
  api: string,
  version: number,
  input: Message,
  code: number,
  grants: Grant[],
): Promise<Message> {
  expect(codes(await call(api, version, input))).toContain(code)
  await grant(...grants)
  const after = await call(api, version, input)
  expect(codes(after)).not.toContain(code)
  return after
}

beforeAll(async () => {
  broker = await startBroker({
    config: {
      listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0',
      'listener.name.sasl_plaintext.plain.sasl.jaas.config':
        'org.apache.kafka.common.security.plain.PlainLoginModule required user_admin="admin-secret";',
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users': 'User:admin',
    },
  })
  const [plain, sasl] = broker.listeners as [BoundListener, BoundListener]
  admin = new Kafka({
    clientId: 'authz-admin',
    brokers: [`127.0.0.1:${sasl.port}`],
    sasl: { mechanism: 'plain', username: 'admin', password: 'admin-secret' },
    logLevel: logLevel.NOTHING,
  }).admin()
  await admin.connect()
  await admin.createTopics({
    topics: ['t', 'lo', 'oc', 'dt', 'dr', 'cp', 'dp', 'od', 'oe', 'cfg', 'txt', 'dtp'].map((t) => ({
      topic: t,
    })),
  })
  await admin.setOffsets({ groupId: 'g-list', topic: 't', partitions: [{ partition: 0, offset: '0' }] })
  await admin.setOffsets({ groupId: 'g-del', topic: 't', partitions: [{ partition: 0, offset: '0' }] })
  anon = await RawClient.connect(plain.port)
})

afterEach(async () => {
  await admin.deleteAcls({
    filters: [
      {
        resourceType: 1,
        resourcePatternType: 1,
        principal: 'User:ANONYMOUS',
        operation: 1,
        permissionType: 1,
      },
    ],
  } as unknown as Parameters<Admin['deleteAcls']>[0])
})

afterAll(async () => {
  anon?.close()
  await admin?.disconnect()
  await broker?.stop()
})

describe('topic APIs', () => {
  it('Metadata hides topics without DESCRIBE and auto-creates only with CREATE', async () => {
    const all = await call('metadata', 12, { topics: null, allowAutoTopicCreation: false })
    expect(all.topics).toEqual([])
    const named = await call('metadata', 12, { topics: [{ name: 'auto-1' }], allowAutoTopicCreation: true })
    expect(codes(named)).toEqual([TOPIC_AUTH])
    await grant({ type: T.TOPIC, name: 'auto-', op: OP.DESCRIBE, pattern: PREFIXED })
    const noCreate = await call('metadata', 12, {
      topics: [{ name: 'auto-1' }],
      allowAutoTopicCreation: true,
    })
    expect(codes(noCreate)).toEqual([TOPIC_AUTH])
    await grant({ type: T.TOPIC, name: 'auto-', op: OP.CREATE, pattern: PREFIXED })
    const created = await call('metadata', 12, {
      topics: [{ name: 'auto-1' }],
      allowAutoTopicCreation: true,
      includeTopicAuthorizedOperations: true,
    })
    const [t] = created.topics as Message[]
    expect(t?.errorCode).toBe(0)
    // CREATE and DESCRIBE (bits 5 and 8) only.
    expect(t?.topicAuthorizedOperations).toBe((1 << 5) | (1 << 8))
  })

  it('Fetch needs READ, or CLUSTER_ACTION for a replica', async () => {
    const fetch = (replicaId: number): Message => ({
      replicaId,
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 1 << 20,
      sessionEpoch: -1,
      topics: [{ topic: 'lo', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
    })
    await deniedThenAllowed('fetch', 12, fetch(-1), TOPIC_AUTH, [topic('lo', OP.READ)])
    await deniedThenAllowed('fetch', 12, fetch(1), TOPIC_AUTH, [cluster(9)])
  })

  it('ListOffsets needs DESCRIBE', async () => {
    await deniedThenAllowed(
      'list-offsets',
      7,
      { replicaId: -1, topics: [{ name: 'lo', partitions: [{ partitionIndex: 0, timestamp: -1n }] }] },
      TOPIC_AUTH,
      [topic('lo', OP.DESCRIBE)],
    )
  })

  it('OffsetForLeaderEpoch needs DESCRIBE', async () => {
    await deniedThenAllowed(
      'offset-for-leader-epoch',
      4,
      { replicaId: -1, topics: [{ topic: 'oe', partitions: [{ partition: 0, leaderEpoch: 0 }] }] },
      TOPIC_AUTH,
      [topic('oe', OP.DESCRIBE)],
    )
  })

  it('CreateTopics needs CREATE; configs need DESCRIBE_CONFIGS', async () => {
    const input = { topics: [{ name: 'ct', numPartitions: 1, replicationFactor: 1 }] }
    const denied = (await call('create-topics', 7, input)).topics as Message[]
    expect(denied[0]?.errorCode).toBe(TOPIC_AUTH)
    await grant(topic('ct', OP.CREATE))
    const res = await call('create-topics', 7, input)
    const [t] = res.topics as Message[]
    expect(t?.errorCode).toBe(0)
    expect(t?.topicConfigErrorCode).toBe(TOPIC_AUTH)
  })

  it('DeleteTopics needs DELETE', async () => {
    await deniedThenAllowed('delete-topics', 5, { topicNames: ['dt'] }, TOPIC_AUTH, [topic('dt', OP.DELETE)])
  })

  it('DeleteRecords needs DELETE', async () => {
    await deniedThenAllowed(
      'delete-records',
      2,
      { topics: [{ name: 'dr', partitions: [{ partitionIndex: 0, offset: 0n }] }] },
      TOPIC_AUTH,
      [topic('dr', OP.DELETE)],
    )
  })

  it('CreatePartitions needs ALTER', async () => {
    await deniedThenAllowed(
      'create-partitions',
      3,
      { topics: [{ name: 'cp', count: 2, assignments: null }] },
      TOPIC_AUTH,
      [topic('cp', OP.ALTER)],
    )
  })

  it('DescribeProducers needs READ', async () => {
    await deniedThenAllowed(
      'describe-producers',
      0,
      { topics: [{ name: 'dp', partitionIndexes: [0] }] },
      TOPIC_AUTH,
      [topic('dp', OP.READ)],
    )
  })

  it('DescribeTopicPartitions lists only describable topics', async () => {
    const all = await call('describe-topic-partitions', 0, { topics: [], responsePartitionLimit: 100 })
    expect(all.topics).toEqual([])
    await deniedThenAllowed(
      'describe-topic-partitions',
      0,
      { topics: [{ name: 'dtp' }], responsePartitionLimit: 100 },
      TOPIC_AUTH,
      [topic('dtp', OP.DESCRIBE)],
    )
    const after = await call('describe-topic-partitions', 0, { topics: [], responsePartitionLimit: 100 })
    expect((after.topics as Message[]).map((t) => t.name)).toEqual(['dtp'])
  })

  it('Produce with a transactional id needs WRITE on it, then WRITE on the topic', async () => {
    const produce = {
      transactionalId: 'tx-p',
      acks: -1,
      timeoutMs: 1000,
      topicData: [{ name: 't', partitionData: [{ index: 0, records: Buffer.alloc(0) }] }],
    }
    await deniedThenAllowed('produce', 9, produce, TXN_AUTH, [txn('tx-p', OP.WRITE)])
    expect(codes(await call('produce', 9, produce))).toEqual([TOPIC_AUTH])
  })
})

describe('group APIs', () => {
  it('OffsetCommit needs READ on the group, then READ on the topic', async () => {
    const input = {
      groupId: 'g-oc',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      topics: [{ name: 'oc', partitions: [{ partitionIndex: 0, committedOffset: 0n }] }],
    }
    await deniedThenAllowed('offset-commit', 8, input, GROUP_AUTH, [group('g-oc', OP.READ)])
    await deniedThenAllowed('offset-commit', 8, input, TOPIC_AUTH, [topic('oc', OP.READ)])
    expect(codes(await call('offset-commit', 8, input))).toEqual([0])
  })

  it('OffsetFetch needs DESCRIBE on the group and hides undescribable topics', async () => {
    const res = await deniedThenAllowed(
      'offset-fetch',
      8,
      { groups: [{ groupId: 'g-list', topics: null }], requireStable: false },
      GROUP_AUTH,
      [group('g-list', OP.DESCRIBE)],
    )
    expect((res.groups as Message[])[0]?.topics).toEqual([])
    const named = await call('offset-fetch', 8, {
      groups: [{ groupId: 'g-list', topics: [{ name: 't', partitionIndexes: [0] }] }],
    })
    const [g] = named.groups as Message[]
    expect(g?.errorCode).toBe(0)
    expect(codes(g?.topics)).toEqual([TOPIC_AUTH])
  })

  it('FindCoordinator needs DESCRIBE on the group or transactional id', async () => {
    await deniedThenAllowed('find-coordinator', 4, { keyType: 0, coordinatorKeys: ['g-fc'] }, GROUP_AUTH, [
      group('g-fc', OP.DESCRIBE),
    ])
    await deniedThenAllowed('find-coordinator', 4, { keyType: 1, coordinatorKeys: ['tx-fc'] }, TXN_AUTH, [
      txn('tx-fc', OP.DESCRIBE),
    ])
  })

  it('JoinGroup, SyncGroup, Heartbeat and LeaveGroup need READ on the group', async () => {
    const join = {
      groupId: 'g-join',
      sessionTimeoutMs: 10000,
      rebalanceTimeoutMs: 10000,
      memberId: '',
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
    }
    expect(codes(await call('join-group', 5, join))).toEqual([GROUP_AUTH])
    expect(codes(await call('sync-group', 4, { groupId: 'g-join', generationId: 1, memberId: 'm' }))).toEqual(
      [GROUP_AUTH],
    )
    expect(codes(await call('heartbeat', 4, { groupId: 'g-join', generationId: 1, memberId: 'm' }))).toEqual([
      GROUP_AUTH,
    ])
    expect(
      codes(await call('leave-group', 4, { groupId: 'g-join', members: [{ memberId: 'm' }] })),
    ).toContain(GROUP_AUTH)
    await grant(group('g-join', OP.READ))
    // Past authorization: a v5 join without a member id is told the id to rejoin with.
    expect(codes(await call('join-group', 5, join))).toEqual([79])
    expect(
      codes(await call('heartbeat', 4, { groupId: 'g-join', generationId: 1, memberId: 'm' })),
    ).not.toContain(GROUP_AUTH)
  })

  it('DescribeGroups needs DESCRIBE and reports the authorized operations', async () => {
    const res = await deniedThenAllowed(
      'describe-groups',
      5,
      { groups: ['g-list'], includeAuthorizedOperations: true },
      GROUP_AUTH,
      [group('g-list', OP.DESCRIBE)],
    )
    expect((res.groups as Message[])[0]?.authorizedOperations).toBe(1 << OP.DESCRIBE)
  })

  it('ListGroups lists only describable groups unless DESCRIBE on the cluster', async () => {
    const names = async (): Promise<unknown[]> =>
      ((await call('list-groups', 4, {})).groups as Message[]).map((g) => g.groupId).sort()
    expect(await names()).toEqual([])
    await grant(group('g-list', OP.DESCRIBE))
    expect(await names()).toEqual(['g-list'])
    await grant(cluster(OP.DESCRIBE))
    expect(await names()).toEqual(expect.arrayContaining(['g-del', 'g-list']))
  })

  it('DeleteGroups needs DELETE', async () => {
    await deniedThenAllowed('delete-groups', 2, { groupsNames: ['g-del'] }, GROUP_AUTH, [
      group('g-del', OP.DELETE),
    ])
  })

  it('OffsetDelete needs DELETE on the group and READ on the topic', async () => {
    const input = { groupId: 'g-list', topics: [{ name: 'od', partitions: [{ partitionIndex: 0 }] }] }
    await deniedThenAllowed('offset-delete', 0, input, GROUP_AUTH, [group('g-list', OP.DELETE)])
    await deniedThenAllowed('offset-delete', 0, input, TOPIC_AUTH, [topic('od', OP.READ)])
  })
})

describe('transaction APIs', () => {
  it('InitProducerId needs WRITE on the transactional id', async () => {
    await deniedThenAllowed(
      'init-producer-id',
      4,
      { transactionalId: 'tx-init', transactionTimeoutMs: 60000 },
      TXN_AUTH,
      [txn('tx-init', OP.WRITE)],
    )
  })

  it('an idempotent InitProducerId needs IDEMPOTENT_WRITE or WRITE on some topic (KIP-679)', async () => {
    const input = { transactionalId: null, transactionTimeoutMs: -1 }
    await deniedThenAllowed('init-producer-id', 4, input, CLUSTER_AUTH, [
      { type: T.TOPIC, name: 'w-', op: OP.WRITE, pattern: PREFIXED },
    ])
    await admin.deleteAcls({
      filters: [
        {
          resourceType: T.TOPIC,
          resourceName: 'w-',
          resourcePatternType: PREFIXED,
          principal: 'User:ANONYMOUS',
          host: '*',
          operation: OP.WRITE,
          permissionType: 3,
        },
      ],
    } as unknown as Parameters<Admin['deleteAcls']>[0])
    await deniedThenAllowed('init-producer-id', 4, input, CLUSTER_AUTH, [cluster(OP.IDEMPOTENT_WRITE)])
  })

  it('AddPartitionsToTxn needs WRITE on the transactional id and the topics', async () => {
    const input = {
      v3AndBelowTransactionalId: 'tx-ap',
      v3AndBelowProducerId: 1n,
      v3AndBelowProducerEpoch: 0,
      v3AndBelowTopics: [{ name: 'txt', partitions: [0] }],
    }
    await deniedThenAllowed('add-partitions-to-txn', 3, input, TXN_AUTH, [txn('tx-ap', OP.WRITE)])
    await deniedThenAllowed('add-partitions-to-txn', 3, input, TOPIC_AUTH, [topic('txt', OP.WRITE)])
  })

  it('AddOffsetsToTxn needs WRITE on the transactional id and READ on the group', async () => {
    const input = { transactionalId: 'tx-ao', producerId: 1n, producerEpoch: 0, groupId: 'g-ao' }
    await deniedThenAllowed('add-offsets-to-txn', 3, input, TXN_AUTH, [txn('tx-ao', OP.WRITE)])
    await deniedThenAllowed('add-offsets-to-txn', 3, input, GROUP_AUTH, [group('g-ao', OP.READ)])
  })

  it('EndTxn needs WRITE on the transactional id', async () => {
    await deniedThenAllowed(
      'end-txn',
      3,
      { transactionalId: 'tx-end', producerId: 1n, producerEpoch: 0, committed: true },
      TXN_AUTH,
      [txn('tx-end', OP.WRITE)],
    )
  })

  it('TxnOffsetCommit needs WRITE on the transactional id, READ on the group and the topic', async () => {
    const input = {
      transactionalId: 'tx-oc',
      groupId: 'g-toc',
      producerId: 1n,
      producerEpoch: 0,
      topics: [{ name: 'txt', partitions: [{ partitionIndex: 0, committedOffset: 0n }] }],
    }
    await deniedThenAllowed('txn-offset-commit', 3, input, TXN_AUTH, [txn('tx-oc', OP.WRITE)])
    await deniedThenAllowed('txn-offset-commit', 3, input, GROUP_AUTH, [group('g-toc', OP.READ)])
    await deniedThenAllowed('txn-offset-commit', 3, input, TOPIC_AUTH, [topic('txt', OP.READ)])
  })

  it('DescribeTransactions and ListTransactions need DESCRIBE on the transactional id', async () => {
    const producer = new Kafka({
      clientId: 'authz-txn',
      brokers: [`127.0.0.1:${(broker.listeners[1] as BoundListener).port}`],
      sasl: { mechanism: 'plain', username: 'admin', password: 'admin-secret' },
      logLevel: logLevel.NOTHING,
    }).producer({ transactionalId: 'tx-list', idempotent: true, maxInFlightRequests: 1 })
    await producer.connect()
    await (await producer.transaction()).abort()
    await producer.disconnect()
    const listed = async (): Promise<unknown[]> =>
      ((await call('list-transactions', 1, { durationFilter: -1n })).transactionStates as Message[]).map(
        (t) => t.transactionalId,
      )
    expect(await listed()).toEqual([])
    await deniedThenAllowed('describe-transactions', 0, { transactionalIds: ['tx-list'] }, TXN_AUTH, [
      txn('tx-list', OP.DESCRIBE),
    ])
    expect(await listed()).toEqual(['tx-list'])
  })
})

describe('config, quota and cluster APIs', () => {
  it('DescribeConfigs needs DESCRIBE_CONFIGS on the topic or the cluster', async () => {
    await deniedThenAllowed(
      'describe-configs',
      4,
      { resources: [{ resourceType: 2, resourceName: 'cfg', configurationKeys: null }] },
      TOPIC_AUTH,
      [topic('cfg', OP.DESCRIBE_CONFIGS)],
    )
    await deniedThenAllowed(
      'describe-configs',
      4,
      { resources: [{ resourceType: 4, resourceName: '', configurationKeys: null }] },
      CLUSTER_AUTH,
      [cluster(OP.DESCRIBE_CONFIGS)],
    )
  })

  it('AlterConfigs and IncrementalAlterConfigs need ALTER_CONFIGS', async () => {
    const configs = [{ name: 'retention.ms', value: '100000' }]
    expect(
      codes(
        await call('alter-configs', 2, {
          resources: [{ resourceType: 2, resourceName: 'cfg', configs }],
        }),
      ),
    ).toEqual([TOPIC_AUTH])
    await deniedThenAllowed(
      'incremental-alter-configs',
      1,
      {
        resources: [
          { resourceType: 2, resourceName: 'cfg', configs: [{ ...configs[0], configOperation: 0 }] },
        ],
      },
      TOPIC_AUTH,
      [topic('cfg', OP.ALTER_CONFIGS)],
    )
    expect(
      codes(
        await call('alter-configs', 2, { resources: [{ resourceType: 2, resourceName: 'cfg', configs }] }),
      ),
    ).toEqual([0])
  })

  it('DescribeLogDirs needs DESCRIBE on the cluster', async () => {
    await deniedThenAllowed('describe-log-dirs', 4, { topics: null }, CLUSTER_AUTH, [cluster(OP.DESCRIBE)])
  })

  it('client quotas need DESCRIBE_CONFIGS / ALTER_CONFIGS on the cluster', async () => {
    await deniedThenAllowed('describe-client-quotas', 1, { components: [], strict: false }, CLUSTER_AUTH, [
      cluster(OP.DESCRIBE_CONFIGS),
    ])
    await deniedThenAllowed(
      'alter-client-quotas',
      1,
      {
        entries: [
          {
            entity: [{ entityType: 'user', entityName: 'bob' }],
            ops: [{ key: 'producer_byte_rate', value: 1024 }],
          },
        ],
        validateOnly: true,
      },
      CLUSTER_AUTH,
      [cluster(OP.ALTER_CONFIGS)],
    )
  })

  it('SCRAM credentials need DESCRIBE / ALTER on the cluster', async () => {
    await deniedThenAllowed('describe-user-scram-credentials', 0, { users: null }, CLUSTER_AUTH, [
      cluster(OP.DESCRIBE),
    ])
    await deniedThenAllowed(
      'alter-user-scram-credentials',
      0,
      { deletions: [{ name: 'nobody', mechanism: 1 }], upsertions: [] },
      CLUSTER_AUTH,
      [cluster(OP.ALTER)],
    )
  })

  it('DescribeCluster needs nothing and reports authorized operations only with DESCRIBE', async () => {
    const before = await call('describe-cluster', 1, {
      includeClusterAuthorizedOperations: true,
      endpointType: 1,
    })
    expect(before.errorCode).toBe(0)
    expect(before.clusterAuthorizedOperations).toBe(0)
    await grant(cluster(OP.DESCRIBE), cluster(OP.IDEMPOTENT_WRITE))
    const after = await call('describe-cluster', 1, {
      includeClusterAuthorizedOperations: true,
      endpointType: 1,
    })
    expect(after.clusterAuthorizedOperations).toBe((1 << OP.DESCRIBE) | (1 << OP.IDEMPOTENT_WRITE))
  })
})
