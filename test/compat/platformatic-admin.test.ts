// @platformatic/kafka admin client against the real broker process.
import {
  AclOperations,
  AclPermissionTypes,
  Admin,
  ClientQuotaMatchTypes,
  ConfigResourceTypes,
  ResourcePatternTypes,
  ResourceTypes,
} from '@platformatic/kafka'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'

let broker: RunningBroker
let admin: Admin

beforeAll(async () => {
  broker = await startBroker()
  admin = new Admin({ clientId: 'compat', bootstrapBrokers: [broker.bootstrap] })
})

afterAll(async () => {
  await admin?.close()
  await broker?.stop()
})

describe('@platformatic/kafka admin', () => {
  it('creates and deletes topics, and sees them in metadata', async () => {
    const created = await admin.createTopics({ topics: ['pk-a'], partitions: 2, replicas: 1 })
    expect(created[0]).toMatchObject({ name: 'pk-a', partitions: 2, replicas: 1 })
    expect(created[0]?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    expect(await admin.listTopics()).toContain('pk-a')
    const md = await admin.metadata({ topics: ['pk-a'] })
    expect(md.topics.get('pk-a')?.partitionsCount).toBe(2)
    await admin.deleteTopics({ topics: ['pk-a'] })
    expect(await admin.listTopics()).not.toContain('pk-a')
  })

  it('describes, alters and incrementally alters configs', async () => {
    await admin.createTopics({ topics: ['pk-c'], partitions: 1, replicas: 1 })
    await admin.alterConfigs({
      resources: [
        {
          resourceType: ConfigResourceTypes.TOPIC,
          resourceName: 'pk-c',
          configs: [{ name: 'retention.ms', value: '5000' }],
        },
      ],
    })
    await admin.incrementalAlterConfigs({
      resources: [
        {
          resourceType: ConfigResourceTypes.TOPIC,
          resourceName: 'pk-c',
          configs: [{ name: 'cleanup.policy', configOperation: 2, value: 'compact' }],
        },
      ],
    })
    const [desc] = await admin.describeConfigs({
      resources: [
        {
          resourceType: ConfigResourceTypes.TOPIC,
          resourceName: 'pk-c',
          configurationKeys: ['retention.ms', 'cleanup.policy', 'segment.bytes'],
        },
      ],
      includeSynonyms: true,
    })
    const byName = new Map(desc?.configs.map((c) => [c.name, c]))
    expect(byName.get('retention.ms')).toMatchObject({ value: '5000', configSource: 1 })
    expect(byName.get('cleanup.policy')?.value).toBe('delete,compact')
    expect(byName.get('segment.bytes')).toMatchObject({ value: '1073741824', configSource: 5 })
    await expect(
      admin.incrementalAlterConfigs({
        resources: [
          {
            resourceType: ConfigResourceTypes.TOPIC,
            resourceName: 'pk-c',
            configs: [{ name: 'retention.ms', configOperation: 0, value: 'soon' }],
          },
        ],
      }),
    ).rejects.toThrow()
  })

  it('describes log dirs', async () => {
    await admin.createTopics({ topics: ['pk-l'], partitions: 2, replicas: 1 })
    const dirs = await admin.describeLogDirs({ topics: [{ name: 'pk-l', partitions: [0, 1] }] })
    const result = dirs[0]?.results[0]
    expect(result?.logDir).toBe(broker.dataDir)
    const topic = result?.topics.find((t) => t.name === 'pk-l')
    expect(topic?.partitions.map((p) => p.partitionIndex).sort()).toEqual([0, 1])
  })

  it('creates, describes and deletes ACLs', async () => {
    const acl = {
      resourceType: ResourceTypes.TOPIC,
      resourceName: 'pk-acl-',
      resourcePatternType: ResourcePatternTypes.PREFIXED,
      principal: 'User:carol',
      host: '*',
      operation: AclOperations.WRITE,
      permissionType: AclPermissionTypes.ALLOW,
    }
    await admin.createAcls({ creations: [acl] })
    const filter = {
      resourceType: ResourceTypes.ANY,
      resourceName: null,
      resourcePatternType: ResourcePatternTypes.ANY,
      principal: 'User:carol',
      host: null,
      operation: AclOperations.ANY,
      permissionType: AclPermissionTypes.ANY,
    }
    const described = await admin.describeAcls({ filter })
    expect(described).toEqual([
      {
        resourceType: ResourceTypes.TOPIC,
        resourceName: 'pk-acl-',
        resourcePatternType: ResourcePatternTypes.PREFIXED,
        acls: [{ principal: 'User:carol', host: '*', operation: AclOperations.WRITE, permissionType: 3 }],
      },
    ])
    expect(await admin.deleteAcls({ filters: [filter] })).toEqual([acl])
    expect(await admin.describeAcls({ filter })).toEqual([])
  })

  it('alters and describes client quotas', async () => {
    await admin.alterClientQuotas({
      entries: [
        {
          entities: [{ entityType: 'user', entityName: 'dave' }],
          ops: [
            { key: 'producer_byte_rate', value: 1048576, remove: false },
            { key: 'consumer_byte_rate', value: 2097152, remove: false },
          ],
        },
      ],
    })
    const components = [
      { entityType: 'user' as const, matchType: ClientQuotaMatchTypes.EXACT, match: 'dave' },
    ]
    const found = await admin.describeClientQuotas({ components })
    expect(found).toHaveLength(1)
    expect(found[0]?.entity).toEqual([{ entityType: 'user', entityName: 'dave' }])
    expect(new Map(found[0]?.values.map((v) => [v.key, v.value]))).toEqual(
      new Map([
        ['producer_byte_rate', 1048576],
        ['consumer_byte_rate', 2097152],
      ]),
    )
    await admin.alterClientQuotas({
      entries: [
        {
          entities: [{ entityType: 'user', entityName: 'dave' }],
          ops: [{ key: 'producer_byte_rate', remove: true }],
        },
      ],
    })
    const after = await admin.describeClientQuotas({ components })
    expect(after[0]?.values).toEqual([{ key: 'consumer_byte_rate', value: 2097152 }])
  })
})
