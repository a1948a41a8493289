// `strata acl ...` against a real broker process. ACLs are being built into the broker in parallel: the
// create/list/delete round trip runs when the broker serves the ACL APIs, otherwise the commands must fail in
// one line saying the cluster does not support them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'
import { brokerApis, cli, oneLine } from './cli-process.ts'

let broker: RunningBroker
let b: string[]
let supported = false

beforeAll(async () => {
  broker = await startBroker()
  b = ['--bootstrap-server', broker.bootstrap]
  const apis = await brokerApis(broker.bootstrap)
  supported = ['DescribeAcls', 'CreateAcls', 'DeleteAcls'].every((name) => apis.has(name))
}, 120_000)
afterAll(async () => {
  await broker?.stop()
})

interface AclJson {
  resourceType: string
  resourceName: string
  patternType: string
  principal: string
  host: string
  operation: string
  permission: string
}

async function listAcls(...filter: string[]): Promise<AclJson[]> {
  const r = await cli(['acl', 'list', ...filter, ...b, '-o', 'json'])
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as AclJson[]
}

describe('strata acl', () => {
  it('says so in one line when the cluster has no ACLs', async (ctx) => {
    if (supported) ctx.skip()
    const r = await cli(['acl', 'list', ...b])
    expect(r.code).toBe(1)
    expect(oneLine(r.stderr)).toBe(true)
    expect(r.stderr).toMatch(/^strata acl: the cluster does not support this operation/)
  })

  it('creates, lists by filter and deletes ACLs', async (ctx) => {
    if (!supported) ctx.skip()
    const [topicAcl, groupAcl] = await Promise.all([
      cli([
        'acl',
        'create',
        '--topic',
        'orders',
        '--principal',
        'User:alice',
        '--operation',
        'read',
        '--operation',
        'describe',
        ...b,
      ]),
      cli([
        'acl',
        'create',
        '--group',
        'billing-',
        '--pattern-type',
        'prefixed',
        '--principal',
        'User:bob',
        '--operation',
        'read',
        '--permission',
        'deny',
        ...b,
      ]),
    ])
    expect(topicAcl.code, topicAcl.stderr).toBe(0)
    expect(topicAcl.stdout).toMatch(/Created 2 ACLs/)
    expect(groupAcl.code, groupAcl.stderr).toBe(0)

    const alice = await listAcls('--principal', 'User:alice')
    expect(alice.map((a) => a.operation).sort()).toEqual(['describe', 'read'])
    expect(alice[0]).toMatchObject({
      resourceType: 'topic',
      resourceName: 'orders',
      patternType: 'literal',
      host: '*',
      permission: 'allow',
    })
    expect(await listAcls('--resource-type', 'group')).toEqual([
      {
        resourceType: 'group',
        resourceName: 'billing-',
        patternType: 'prefixed',
        principal: 'User:bob',
        host: '*',
        operation: 'read',
        permission: 'deny',
      },
    ])

    const deleted = await cli([
      'acl',
      'delete',
      '--topic',
      'orders',
      '--operation',
      'read',
      ...b,
      '-o',
      'json',
    ])
    expect(deleted.code, deleted.stderr).toBe(0)
    expect((JSON.parse(deleted.stdout) as { deleted: AclJson[] }).deleted).toHaveLength(1)
    expect((await listAcls()).map((a) => `${a.principal}:${a.operation}`).sort()).toEqual([
      'User:alice:describe',
      'User:bob:read',
    ])
  })

  it('rejects bad command lines with exit code 2', async () => {
    const [noPrincipal, badOp, badPrincipal, deleteAll] = await Promise.all([
      cli(['acl', 'create', '--topic', 't', '--operation', 'read', ...b]),
      cli(['acl', 'create', '--topic', 't', '--principal', 'User:a', '--operation', 'fly', ...b]),
      cli(['acl', 'create', '--topic', 't', '--principal', 'alice', '--operation', 'read', ...b]),
      cli(['acl', 'delete', ...b]),
    ])
    for (const r of [noPrincipal, badOp, badPrincipal, deleteAll]) {
      expect(r.code).toBe(2)
      expect(r.stderr).toContain('usage: strata acl')
    }
    expect(noPrincipal.stderr).toMatch(/create needs --principal/)
    expect(badOp.stderr).toMatch(/--operation must be one of/)
    expect(badPrincipal.stderr).toMatch(/Type:name/)
    expect(deleteAll.stderr).toMatch(/at least one filter/)
  })
})
