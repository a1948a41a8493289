// Authorization checks for handlers. `authzOf(ctx)` gives one request's checker: with no authorizer or a
// super user it is a constant "yes" (no ACL scan, `all` lets handlers skip filtering work); otherwise each
// decision is Kafka's StandardAuthorizer's, remembered for the rest of the request so per-partition loops
// ask once per topic. Also new ACL ids.
import { randomBytes } from 'node:crypto'
import { ErrorCode } from '../protocol/errors.ts'
import type { RequestContext } from '../server/registry.ts'
import {
  AclOperation,
  authorize,
  authorizeByResourceType,
  authorizerSettings,
  CLUSTER_NAME,
  ResourceType,
  type AuthorizerSettings,
} from './acl-authorizer.ts'

export interface RequestAuthz {
  /** Every check passes: no authorizer is configured, or the principal is a super user. */
  readonly all: boolean
  can(resourceType: number, resourceName: string, operation: number): boolean
  topic(name: string, operation: number): boolean
  group(groupId: string, operation: number): boolean
  transactionalId(id: string, operation: number): boolean
  cluster(operation: number): boolean
  /** At least one resource of the type allows the operation (KIP-679's authorizeByResourceType). */
  anyOfType(resourceType: number, operation: number): boolean
  /** Kafka's authorized-operations bit field: bit `op` set for each of `operations` that is allowed. */
  operations(resourceType: number, resourceName: string, operations: readonly number[]): number
}

/** Operations Kafka lists as authorized for each resource type (DescribeGroups, Metadata v8+). */
export const SUPPORTED_OPERATIONS = {
  topic: [
    AclOperation.READ,
    AclOperation.WRITE,
    AclOperation.CREATE,
    AclOperation.DELETE,
    AclOperation.ALTER,
    AclOperation.DESCRIBE,
    AclOperation.DESCRIBE_CONFIGS,
    AclOperation.ALTER_CONFIGS,
  ],
  group: [AclOperation.READ, AclOperation.DELETE, AclOperation.DESCRIBE],
  cluster: [
    AclOperation.CREATE,
    AclOperation.ALTER,
    AclOperation.DESCRIBE,
    AclOperation.CLUSTER_ACTION,
    AclOperation.DESCRIBE_CONFIGS,
    AclOperation.ALTER_CONFIGS,
    AclOperation.IDEMPOTENT_WRITE,
  ],
} as const

const bits = (operations: readonly number[]): number => operations.reduce((acc, op) => acc | (1 << op), 0)

const ALLOW_ALL: RequestAuthz = {
  all: true,
  can: () => true,
  topic: () => true,
  group: () => true,
  transactionalId: () => true,
  cluster: () => true,
  anyOfType: () => true,
  operations: (_t, _n, operations) => bits(operations),
}

function checker(ctx: RequestContext, settings: AuthorizerSettings): RequestAuthz {
  const decided = new Map<string, boolean>()
  const principal = ctx.conn.principal
  const host = ctx.conn.remoteAddress
  const can = (resourceType: number, resourceName: string, operation: number): boolean => {
    const key = `${resourceType}\u0000${operation}\u0000${resourceName}`
    let ok = decided.get(key)
    if (ok === undefined) {
      ok = authorize(ctx.broker.metadata.image, settings, {
        principal,
        host,
        operation,
        resourceType,
        resourceName,
      })
      decided.set(key, ok)
    }
    return ok
  }
  return {
    all: false,
    can,
    topic: (name, op) => can(ResourceType.TOPIC, name, op),
    group: (id, op) => can(ResourceType.GROUP, id, op),
    transactionalId: (id, op) => can(ResourceType.TRANSACTIONAL_ID, id, op),
    cluster: (op) => can(ResourceType.CLUSTER, CLUSTER_NAME, op),
    anyOfType: (resourceType, operation) =>
      authorizeByResourceType(ctx.broker.metadata.image, settings, {
        principal,
        host,
        operation,
        resourceType,
      }),
    operations: (resourceType, name, operations) =>
      bits(operations.filter((op) => can(resourceType, name, op))),
  }
}

const perRequest = new WeakMap<RequestContext, RequestAuthz>()

/** The request's authorization checker (made once per request). */
export function authzOf(ctx: RequestContext): RequestAuthz {
  // The common case, no authorizer: one config lookup, nothing remembered.
  if ((ctx.broker.config.get('authorizer.class.name') ?? '').trim() === '') return ALLOW_ALL
  let a = perRequest.get(ctx)
  if (a === undefined) {
    const settings = authorizerSettings((n) => ctx.broker.config.get(n))
    a = !settings.enabled || settings.superUsers.has(ctx.conn.principal) ? ALLOW_ALL : checker(ctx, settings)
    perRequest.set(ctx, a)
  }
  return a
}

/** May this connection's principal do `operation` on the resource? Always true without an authorizer. */
export function allowed(
  ctx: RequestContext,
  resourceType: number,
  resourceName: string,
  operation: number,
): boolean {
  return authzOf(ctx).can(resourceType, resourceName, operation)
}

export function clusterAllowed(ctx: RequestContext, operation: number): boolean {
  return authzOf(ctx).cluster(operation)
}

/** A fresh Kafka UUID (22 base64url chars), never the all-zero one. */
export function newAclId(): string {
  const b = randomBytes(16)
  b[0] = (b[0] as number) | 1
  return b.toString('base64url')
}

/**
 * The authorization error for a config resource (DescribeConfigs, AlterConfigs, IncrementalAlterConfigs),
 * or NONE: topics and groups are checked by name, broker-wide resources on the cluster, as in Kafka.
 * Config resource types: 2 topic, 4 broker, 8 broker logger, 16 client metrics, 32 group.
 */
export function configResourceError(
  ctx: RequestContext,
  configResourceType: number,
  name: string,
  operation: number,
): number {
  const authz = authzOf(ctx)
  if (authz.all) return ErrorCode.NONE
  switch (configResourceType) {
    case 2:
      return authz.topic(name, operation) ? ErrorCode.NONE : ErrorCode.TOPIC_AUTHORIZATION_FAILED
    case 32:
      return authz.group(name, operation) ? ErrorCode.NONE : ErrorCode.GROUP_AUTHORIZATION_FAILED
    case 4:
    case 8:
    case 16:
      return authz.cluster(operation) ? ErrorCode.NONE : ErrorCode.CLUSTER_AUTHORIZATION_FAILED
    default:
      return ErrorCode.NONE
  }
}

/** The cluster's authorized operations (Metadata v8-v10, DescribeCluster): 0 without DESCRIBE on it. */
export function clusterOperations(ctx: RequestContext): number {
  const authz = authzOf(ctx)
  if (!authz.cluster(AclOperation.DESCRIBE)) return 0
  return authz.operations(ResourceType.CLUSTER, CLUSTER_NAME, SUPPORTED_OPERATIONS.cluster)
}
