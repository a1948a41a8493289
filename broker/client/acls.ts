// ACLs: list (by filter), create, delete (by filter). Names are Kafka's, lower-cased with dashes.
import type { Acl, AclFilter } from '@platformatic/kafka'
import type { ClusterClient } from './cluster-client.ts'
import { run } from './run.ts'
import type {
  AclBinding,
  AclFilterSpec,
  AclOperationName,
  AclPatternType,
  AclPermission,
  AclResourceType,
} from './types.ts'

const resourceTypes: Record<AclResourceType, number> = {
  topic: 2,
  group: 3,
  cluster: 4,
  'transactional-id': 5,
  'delegation-token': 6,
  user: 7,
}
const patternTypes: Record<AclPatternType, number> = { literal: 3, prefixed: 4 }
const operations: Record<AclOperationName, number> = {
  all: 2,
  read: 3,
  write: 4,
  create: 5,
  delete: 6,
  alter: 7,
  describe: 8,
  'cluster-action': 9,
  'describe-configs': 10,
  'alter-configs': 11,
  'idempotent-write': 12,
}
const permissions: Record<AclPermission, number> = { deny: 2, allow: 3 }
const ANY = 1

function nameOf<T extends string>(table: Record<T, number>, value: number): T {
  const found = (Object.entries(table) as [T, number][]).find(([, v]) => v === value)
  return (found?.[0] ?? 'unknown') as T
}

type AclValue<K extends keyof Acl> = Acl[K]

function toAcl(b: AclBinding): Acl {
  return {
    resourceType: resourceTypes[b.resourceType] as AclValue<'resourceType'>,
    resourceName: b.resourceName,
    resourcePatternType: patternTypes[b.patternType] as AclValue<'resourcePatternType'>,
    principal: b.principal,
    host: b.host,
    operation: operations[b.operation] as AclValue<'operation'>,
    permissionType: permissions[b.permission] as AclValue<'permissionType'>,
  }
}

function toFilter(f: AclFilterSpec): AclFilter {
  return {
    resourceType: (f.resourceType ? resourceTypes[f.resourceType] : ANY) as AclValue<'resourceType'>,
    resourceName: f.resourceName,
    resourcePatternType: (f.patternType
      ? patternTypes[f.patternType]
      : ANY) as AclValue<'resourcePatternType'>,
    principal: f.principal,
    host: f.host,
    operation: (f.operation ? operations[f.operation] : ANY) as AclValue<'operation'>,
    permissionType: (f.permission ? permissions[f.permission] : ANY) as AclValue<'permissionType'>,
  }
}

function fromAcl(a: Acl): AclBinding {
  return {
    resourceType: nameOf(resourceTypes, a.resourceType),
    resourceName: a.resourceName,
    patternType: nameOf(patternTypes, a.resourcePatternType),
    principal: a.principal,
    host: a.host,
    operation: nameOf(operations, a.operation),
    permission: nameOf(permissions, a.permissionType),
  }
}

export const matchAll: AclFilterSpec = {
  resourceType: null,
  resourceName: null,
  patternType: null,
  principal: null,
  host: null,
  operation: null,
  permission: null,
}

export function listAcls(client: ClusterClient, filter: AclFilterSpec = matchAll): Promise<AclBinding[]> {
  return run(async () => {
    const resources = await client.admin.describeAcls({ filter: toFilter(filter) })
    return resources.flatMap((r) =>
      r.acls.map((a) =>
        fromAcl({
          resourceType: r.resourceType,
          resourceName: r.resourceName,
          resourcePatternType: r.resourcePatternType,
          ...a,
        }),
      ),
    )
  })
}

export function createAcls(client: ClusterClient, bindings: AclBinding[]): Promise<void> {
  return run(() => client.admin.createAcls({ creations: bindings.map(toAcl) }))
}

/** Deletes every ACL matching any of the filters; returns what was deleted. */
export function deleteAcls(client: ClusterClient, filters: AclFilterSpec[]): Promise<AclBinding[]> {
  return run(async () => (await client.admin.deleteAcls({ filters: filters.map(toFilter) })).map(fromAcl))
}
