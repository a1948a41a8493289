// Client quotas: Kafka's entity validation, DescribeClientQuotas filter matching, precedence of stored
// quotas, and AlterClientQuotas/DescribeClientQuotas over the wire surviving clean and unclean restarts.
import { Admin } from '@platformatic/kafka'
import { afterEach, describe, expect, it } from 'vitest'
import { MetadataImage } from '../../broker/metadata/image.ts'
import { RecordType, type QuotaEntityPart } from '../../broker/metadata/records.ts'
import {
  describeQuotas,
  MATCH_DEFAULT,
  MATCH_EXACT,
  MATCH_SPECIFIED,
  QuotaError,
  quotaFor,
  validateEntity,
  validateQuotaValue,
} from '../../broker/quotas/client-quotas.ts'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'

const user = (n: string | null): QuotaEntityPart => ({ entityType: 'user', entityName: n })
const client = (n: string | null): QuotaEntityPart => ({ entityType: 'client-id', entityName: n })
const ip = (n: string | null): QuotaEntityPart => ({ entityType: 'ip', entityName: n })

function imageWith(...quotas: [QuotaEntityPart[], string, number][]): MetadataImage {
  const image = new MetadataImage()
  for (const [entity, key, value] of quotas) {
    image.apply({ type: RecordType.CLIENT_QUOTA, entity, key, value, remove: false })
  }
  return image
}

describe('quota entities and values', () => {
  it('refuses unknown types, duplicates, ip mixed with others, and keys of the wrong entity', () => {
    expect(() => validateEntity([{ entityType: 'group', entityName: 'x' }])).toThrow(QuotaError)
    expect(() => validateEntity([user('a'), user('b')])).toThrow(QuotaError)
    expect(() => validateEntity([ip('1.2.3.4'), user('a')])).toThrow(QuotaError)
    expect(() => validateEntity([])).toThrow(QuotaError)
    validateEntity([client(null), user('a')])
    expect(() => validateQuotaValue([ip(null)], 'producer_byte_rate', 10)).toThrow(QuotaError)
    expect(() => validateQuotaValue([user('a')], 'connection_creation_rate', 10)).toThrow(QuotaError)
    expect(() => validateQuotaValue([user('a')], 'producer_byte_rate', 1.5)).toThrow(QuotaError)
    expect(() => validateQuotaValue([user('a')], 'producer_byte_rate', -1)).toThrow(QuotaError)
    validateQuotaValue([user('a')], 'request_percentage', 12.5)
    validateQuotaValue([ip('10.0.0.1')], 'connection_creation_rate', 5)
  })
})

describe('DescribeClientQuotas filters', () => {
  const image = imageWith(
    [[user('alice')], 'producer_byte_rate', 1],
    [[user(null)], 'producer_byte_rate', 2],
    [[user('alice'), client('app')], 'consumer_byte_rate', 3],
    [[client('app')], 'request_percentage', 4],
    [[ip('10.0.0.1')], 'connection_creation_rate', 5],
  )
  const names = (qs: ReturnType<typeof describeQuotas>): string[] =>
    qs.map((q) => q.entity.map((p) => `${p.entityType}=${p.entityName ?? '<default>'}`).join(',')).sort()

  it('matches exact names, defaults and any name, strictly or not', () => {
    expect(names(describeQuotas(image, [], false))).toHaveLength(5)
    expect(
      names(describeQuotas(image, [{ entityType: 'user', matchType: MATCH_EXACT, match: 'alice' }], false)),
    ).toEqual(['client-id=app,user=alice', 'user=alice'])
    expect(
      names(describeQuotas(image, [{ entityType: 'user', matchType: MATCH_EXACT, match: 'alice' }], true)),
    ).toEqual(['user=alice'])
    expect(
      names(describeQuotas(image, [{ entityType: 'user', matchType: MATCH_DEFAULT, match: null }], false)),
    ).toEqual(['user=<default>'])
    expect(
      names(
        describeQuotas(image, [{ entityType: 'client-id', matchType: MATCH_SPECIFIED, match: null }], false),
      ),
    ).toEqual(['client-id=app', 'client-id=app,user=alice'])
  })

  it('refuses bad filters as Kafka does', () => {
    const bad = [
      [
        { entityType: 'ip', matchType: MATCH_SPECIFIED, match: null },
        { entityType: 'user', matchType: MATCH_SPECIFIED, match: null },
      ],
      [{ entityType: 'user', matchType: MATCH_EXACT, match: null }],
      [{ entityType: 'user', matchType: MATCH_DEFAULT, match: 'x' }],
      [{ entityType: 'user', matchType: 7, match: null }],
      [
        { entityType: 'user', matchType: MATCH_SPECIFIED, match: null },
        { entityType: 'user', matchType: MATCH_DEFAULT, match: null },
      ],
    ]
    for (const components of bad) expect(() => describeQuotas(image, components, false)).toThrow(QuotaError)
  })
})

describe('quota precedence', () => {
  it('follows Kafka: user+client, user+default client, user, default user+client, ..., client, default client', () => {
    const key = 'producer_byte_rate'
    const levels: QuotaEntityPart[][] = [
      [user('u'), client('c')],
      [user('u'), client(null)],
      [user('u')],
      [user(null), client('c')],
      [user(null), client(null)],
      [user(null)],
      [client('c')],
      [client(null)],
    ]
    // Remove the most specific level one by one: the next one takes over.
    for (let from = 0; from < levels.length; from++) {
      const image = imageWith(
        ...levels.slice(from).map((e, i): [QuotaEntityPart[], string, number] => [e, key, from + i + 1]),
      )
      expect(quotaFor(image, 'u', 'c', key)).toBe(from + 1)
    }
    expect(quotaFor(new MetadataImage(), 'u', 'c', key)).toBeNull()
    expect(quotaFor(imageWith([[user('other')], key, 9]), 'u', 'c', key)).toBeNull()
  })

  it('drops an entity once its last value is removed', () => {
    const image = imageWith([[client('c')], 'producer_byte_rate', 1])
    image.apply({
      type: RecordType.CLIENT_QUOTA,
      entity: [client('c')],
      key: 'producer_byte_rate',
      value: 0,
      remove: true,
    })
    expect(image.clientQuotas.size).toBe(0)
  })
})

describe('AlterClientQuotas and DescribeClientQuotas on the broker', () => {
  let broker: RunningBroker | undefined
  afterEach(async () => {
    await broker?.stop()
    broker = undefined
  })

  async function describeAll(b: RunningBroker): Promise<unknown[]> {
    const admin = new Admin({ clientId: 'quota-test', bootstrapBrokers: [b.bootstrap] })
    try {
      const entries = await admin.describeClientQuotas({ components: [], strict: false })
      return entries
        .map((e) => ({
          entity: e.entity.map((p) => [p.entityType, p.entityName ?? null]),
          values: Object.fromEntries(e.values.map((v) => [v.key, v.value])),
        }))
        .sort((a, b) => JSON.stringify(a.entity).localeCompare(JSON.stringify(b.entity)))
    } finally {
      await admin.close()
    }
  }

  it('stores quotas in the metadata log: they survive a clean restart and a SIGKILL', async () => {
    broker = await startBroker()
    const admin = new Admin({ clientId: 'quota-test', bootstrapBrokers: [broker.bootstrap] })
    try {
      await admin.alterClientQuotas({
        entries: [
          {
            entities: [
              { entityType: 'user', entityName: 'alice' },
              { entityType: 'client-id', entityName: 'app' },
            ],
            ops: [
              { key: 'producer_byte_rate', value: 1048576, remove: false },
              { key: 'request_percentage', value: 50, remove: false },
            ],
          },
          {
            entities: [{ entityType: 'user' }],
            ops: [{ key: 'consumer_byte_rate', value: 2048, remove: false }],
          },
        ],
      })
      await expect(
        admin.alterClientQuotas({
          entries: [
            {
              entities: [{ entityType: 'ip', entityName: '10.0.0.1' }],
              ops: [{ key: 'producer_byte_rate', value: 1, remove: false }],
            },
          ],
        }),
      ).rejects.toThrow()
    } finally {
      await admin.close()
    }
    const expected = [
      {
        entity: [
          ['client-id', 'app'],
          ['user', 'alice'],
        ],
        values: { producer_byte_rate: 1048576, request_percentage: 50 },
      },
      { entity: [['user', null]], values: { consumer_byte_rate: 2048 } },
    ]
    expect(await describeAll(broker)).toEqual(expected)

    broker = await broker.restart()
    expect(await describeAll(broker)).toEqual(expected)

    const admin2 = new Admin({ clientId: 'quota-test', bootstrapBrokers: [broker.bootstrap] })
    try {
      await admin2.alterClientQuotas({
        entries: [
          {
            entities: [
              { entityType: 'client-id', entityName: 'app' },
              { entityType: 'user', entityName: 'alice' },
            ],
            ops: [{ key: 'request_percentage', remove: true }],
          },
        ],
      })
    } finally {
      await admin2.close()
    }
    const { dataDir } = broker
    await broker.kill('SIGKILL')
    broker = await startBroker({ dataDir })
    expect(await describeAll(broker)).toEqual([
      {
        entity: [
          ['client-id', 'app'],
          ['user', 'alice'],
        ],
        values: { producer_byte_rate: 1048576 },
      },
      expected[1],
    ])
  })
})
