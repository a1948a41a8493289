// ACLs: Kafka's filter matching and authorization rules (deny wins, implied operations, prefixed and
// wildcard patterns, super users, allow.everyone.if.no.acl.found), and Create/Describe/DeleteAcls on a
// broker, stored in the metadata log, with the cluster permission checked once an authorizer is set.
import { Admin } from '@platformatic/kafka'
import { afterEach, describe, expect, it } from 'vitest'
import { MetadataImage } from '../../broker/metadata/image.ts'
import { RecordType, type AclBindingValue } from '../../broker/metadata/records.ts'
import {
  AclError,
  AclOperation as Op,
  AclPermission,
  authorize,
  authorizeByResourceType,
  filterMatches,
  PatternType,
  ResourceType,
  validateBinding,
  type AuthorizerSettings,
} from '../../broker/security/acl-authorizer.ts'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'

const acl = (over: Partial<AclBindingValue>): AclBindingValue => ({
  resourceType: ResourceType.TOPIC,
  resourceName: 'a',
  patternType: PatternType.LITERAL,
  principal: 'User:alice',
  host: '*',
  operation: Op.READ,
  permissionType: AclPermission.ALLOW,
  ...over,
})

function imageWith(...bindings: AclBindingValue[]): MetadataImage {
  const image = new MetadataImage()
  bindings.forEach((b, i) => image.apply({ type: RecordType.ACCESS_CONTROL_ENTRY, id: `id${i}`, ...b }))
  return image
}

const on: AuthorizerSettings = {
  enabled: true,
  superUsers: new Set(['User:admin']),
  allowEveryoneIfNoAclFound: false,
}
const check = (
  image: MetadataImage,
  principal: string,
  operation: number,
  resourceName: string,
  s = on,
): boolean =>
  authorize(image, s, {
    principal,
    host: '10.0.0.1',
    operation,
    resourceType: ResourceType.TOPIC,
    resourceName,
  })

describe('authorization decisions', () => {
  it('allows granted and implied operations only', () => {
    const image = imageWith(
      acl({ operation: Op.READ }),
      acl({ resourceName: 'b', operation: Op.ALTER_CONFIGS }),
    )
    expect(check(image, 'User:alice', Op.READ, 'a')).toBe(true)
    expect(check(image, 'User:alice', Op.DESCRIBE, 'a')).toBe(true)
    expect(check(image, 'User:alice', Op.WRITE, 'a')).toBe(false)
    expect(check(image, 'User:bob', Op.READ, 'a')).toBe(false)
    expect(check(image, 'User:alice', Op.DESCRIBE_CONFIGS, 'b')).toBe(true)
    expect(check(image, 'User:alice', Op.DESCRIBE, 'b')).toBe(false)
  })

  it('lets a matching DENY win, honours prefixed and wildcard patterns, User:* and hosts', () => {
    const image = imageWith(
      acl({ resourceName: 'orders-', patternType: PatternType.PREFIXED, operation: Op.ALL }),
      acl({ resourceName: 'orders-secret', permissionType: AclPermission.DENY, operation: Op.READ }),
      acl({ resourceName: '*', principal: 'User:*', operation: Op.DESCRIBE }),
      acl({ resourceName: 'local', host: '127.0.0.1', operation: Op.WRITE }),
    )
    expect(check(image, 'User:alice', Op.WRITE, 'orders-eu')).toBe(true)
    expect(check(image, 'User:alice', Op.READ, 'orders-secret')).toBe(false)
    expect(check(image, 'User:alice', Op.WRITE, 'orders-secret')).toBe(true)
    expect(check(image, 'User:bob', Op.DESCRIBE, 'anything')).toBe(true)
    expect(check(image, 'User:bob', Op.READ, 'anything')).toBe(false)
    expect(check(image, 'User:alice', Op.WRITE, 'local')).toBe(false)
  })

  it('passes super users, follows allow.everyone.if.no.acl.found, and allows all without an authorizer', () => {
    const image = imageWith(acl({}))
    expect(check(image, 'User:admin', Op.WRITE, 'a')).toBe(true)
    expect(check(image, 'User:bob', Op.READ, 'no-acls')).toBe(false)
    expect(check(image, 'User:bob', Op.READ, 'no-acls', { ...on, allowEveryoneIfNoAclFound: true })).toBe(
      true,
    )
    expect(check(image, 'User:bob', Op.READ, 'a', { ...on, allowEveryoneIfNoAclFound: true })).toBe(false)
    expect(check(image, 'User:bob', Op.WRITE, 'a', { ...on, enabled: false })).toBe(true)
  })
})

describe('authorization by resource type (KIP-679)', () => {
  const anyTopic = (image: MetadataImage, operation: number, s = on): boolean =>
    authorizeByResourceType(image, s, {
      principal: 'User:alice',
      host: '10.0.0.1',
      operation,
      resourceType: ResourceType.TOPIC,
    })

  it('allows when some topic allows the exact operation and no DENY covers it', () => {
    expect(anyTopic(imageWith(), Op.WRITE)).toBe(false)
    expect(anyTopic(imageWith(acl({ operation: Op.WRITE })), Op.WRITE)).toBe(true)
    // Implied operations do not count here: READ does not grant WRITE, ALL does.
    expect(anyTopic(imageWith(acl({ operation: Op.READ })), Op.WRITE)).toBe(false)
    expect(anyTopic(imageWith(acl({ operation: Op.ALL })), Op.WRITE)).toBe(true)
    // Another principal's or another host's ACL does not count.
    expect(anyTopic(imageWith(acl({ operation: Op.WRITE, principal: 'User:bob' })), Op.WRITE)).toBe(false)
    expect(anyTopic(imageWith(acl({ operation: Op.WRITE, host: '10.0.0.2' })), Op.WRITE)).toBe(false)
  })

  it('lets a literal or dominating prefixed DENY cancel an ALLOW, and a wildcard DENY cancel all', () => {
    const deny = (over: Partial<AclBindingValue>): AclBindingValue =>
      acl({ operation: Op.WRITE, permissionType: AclPermission.DENY, ...over })
    const allowA = acl({ operation: Op.WRITE, resourceName: 'orders' })
    expect(anyTopic(imageWith(allowA, deny({ resourceName: 'orders' })), Op.WRITE)).toBe(false)
    expect(
      anyTopic(imageWith(allowA, deny({ resourceName: 'ord', patternType: PatternType.PREFIXED })), Op.WRITE),
    ).toBe(false)
    expect(anyTopic(imageWith(allowA, deny({ resourceName: 'other' })), Op.WRITE)).toBe(true)
    const allowAll = acl({ operation: Op.WRITE, resourceName: '*' })
    expect(anyTopic(imageWith(allowAll), Op.WRITE)).toBe(true)
    expect(anyTopic(imageWith(allowAll, deny({ resourceName: '*' })), Op.WRITE)).toBe(false)
  })

  it('passes super users and follows allow.everyone.if.no.acl.found', () => {
    const denied = imageWith(
      acl({ operation: Op.WRITE, permissionType: AclPermission.DENY, resourceName: '*' }),
    )
    expect(anyTopic(denied, Op.WRITE, { ...on, superUsers: new Set(['User:alice']) })).toBe(true)
    expect(anyTopic(imageWith(), Op.WRITE, { ...on, allowEveryoneIfNoAclFound: true })).toBe(true)
  })
})

describe('ACL filters and validation', () => {
  const any = {
    resourceType: ResourceType.ANY,
    resourceName: null,
    patternType: PatternType.ANY,
    principal: null,
    host: null,
    operation: Op.ANY,
    permissionType: AclPermission.ANY,
  }
  it('matches like Kafka: ANY, MATCH (literal, wildcard, prefixes), exact pattern types', () => {
    const prefixed = acl({ resourceName: 'orders-', patternType: PatternType.PREFIXED })
    const wildcard = acl({ resourceName: '*' })
    const literal = acl({ resourceName: 'orders-eu' })
    expect([prefixed, wildcard, literal].every((b) => filterMatches(any, b))).toBe(true)
    const match = { ...any, resourceName: 'orders-eu', patternType: PatternType.MATCH }
    expect([prefixed, wildcard, literal].map((b) => filterMatches(match, b))).toEqual([true, true, true])
    const exact = { ...any, resourceName: 'orders-eu', patternType: PatternType.LITERAL }
    expect([prefixed, wildcard, literal].map((b) => filterMatches(exact, b))).toEqual([false, false, true])
    expect(filterMatches({ ...any, principal: 'User:bob' }, literal)).toBe(false)
    expect(filterMatches({ ...any, operation: Op.WRITE }, literal)).toBe(false)
  })

  it('refuses bindings Kafka refuses', () => {
    expect(() => validateBinding(acl({ resourceType: ResourceType.ANY }))).toThrow(AclError)
    expect(() => validateBinding(acl({ patternType: PatternType.MATCH }))).toThrow(AclError)
    expect(() => validateBinding(acl({ operation: Op.ANY }))).toThrow(AclError)
    expect(() => validateBinding(acl({ permissionType: AclPermission.ANY }))).toThrow(AclError)
    expect(() => validateBinding(acl({ principal: 'alice' }))).toThrow(AclError)
    expect(() => validateBinding(acl({ resourceName: '' }))).toThrow(AclError)
    expect(() => validateBinding(acl({ resourceType: ResourceType.CLUSTER, resourceName: 'x' }))).toThrow(
      AclError,
    )
    validateBinding(acl({ resourceType: ResourceType.CLUSTER, resourceName: 'kafka-cluster' }))
  })
})

describe('ACL APIs on the broker', () => {
  let broker: RunningBroker | undefined
  afterEach(async () => {
    await broker?.stop()
    broker = undefined
  })
  const binding = {
    resourceType: ResourceType.TOPIC,
    resourceName: 'orders-',
    resourcePatternType: PatternType.PREFIXED,
    principal: 'User:alice',
    host: '*',
    operation: Op.WRITE,
    permissionType: AclPermission.ALLOW,
  } as const
  const all = {
    resourceType: ResourceType.ANY,
    resourceName: null,
    principal: null,
    host: null,
    resourcePatternType: PatternType.ANY,
    operation: Op.ANY,
    permissionType: AclPermission.ANY,
  } as const

  async function withAdmin<T>(b: RunningBroker, fn: (a: Admin) => Promise<T>): Promise<T> {
    const admin = new Admin({ clientId: 'acl-test', bootstrapBrokers: [b.bootstrap] })
    try {
      return await fn(admin)
    } finally {
      await admin.close()
    }
  }

  it('creates, lists and deletes ACLs durably (clean restart and SIGKILL)', async () => {
    broker = await startBroker()
    await withAdmin(broker, (a) => a.createAcls({ creations: [binding, { ...binding, operation: Op.READ }] }))
    await withAdmin(broker, (a) => a.createAcls({ creations: [binding] }))
    broker = await broker.restart()
    const listed = await withAdmin(broker, (a) => a.describeAcls({ filter: all }))
    expect(listed).toHaveLength(1)
    expect(listed[0]?.acls.map((x) => x.operation).sort()).toEqual([Op.READ, Op.WRITE])
    const deleted = await withAdmin(broker, (a) =>
      a.deleteAcls({
        filters: [
          { ...all, operation: Op.READ, resourceName: 'orders-x', resourcePatternType: PatternType.MATCH },
        ],
      }),
    )
    expect(deleted.map((d) => d.operation)).toEqual([Op.READ])
    const { dataDir } = broker
    await broker.kill('SIGKILL')
    broker = await startBroker({ dataDir })
    const left = await withAdmin(broker, (a) => a.describeAcls({ filter: all }))
    expect(left.flatMap((r) => r.acls.map((x) => x.operation))).toEqual([Op.WRITE])
  })

  it('checks ALTER/DESCRIBE on the cluster once an authorizer is configured', async () => {
    broker = await startBroker({ config: { 'authorizer.class.name': 'strata' } })
    await expect(withAdmin(broker, (a) => a.createAcls({ creations: [binding] }))).rejects.toThrow()
    await expect(withAdmin(broker, (a) => a.describeAcls({ filter: all }))).rejects.toThrow()
    await broker.stop()
    broker = await startBroker({
      config: { 'authorizer.class.name': 'strata', 'super.users': 'User:admin;User:ANONYMOUS' },
    })
    await withAdmin(broker, (a) => a.createAcls({ creations: [binding] }))
    expect(await withAdmin(broker, (a) => a.describeAcls({ filter: all }))).toHaveLength(1)
  })
})
