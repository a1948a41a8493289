// Authorization checks for handlers (`allowed(ctx, ResourceType.TOPIC, name, AclOperation.WRITE)`), the
// cluster-level one the admin APIs use (DescribeAcls needs DESCRIBE, CreateAcls/DeleteAcls need ALTER
// on the cluster, as in Kafka), and new ACL ids.
import { randomBytes } from 'node:crypto'
import type { RequestContext } from '../server/registry.ts'
import { authorize, authorizerSettings, CLUSTER_NAME, ResourceType } from './acl-authorizer.ts'

/** May this connection's principal do `operation` on the resource? Always true without an authorizer. */
export function allowed(
  ctx: RequestContext,
  resourceType: number,
  resourceName: string,
  operation: number,
): boolean {
  const settings = authorizerSettings((n) => ctx.broker.config.get(n))
  return authorize(ctx.broker.metadata.image, settings, {
    principal: ctx.conn.principal,
    host: ctx.conn.remoteAddress,
    operation,
    resourceType,
    resourceName,
  })
}

export function clusterAllowed(ctx: RequestContext, operation: number): boolean {
  return allowed(ctx, ResourceType.CLUSTER, CLUSTER_NAME, operation)
}

/** A fresh Kafka UUID (22 base64url chars), never the all-zero one. */
export function newAclId(): string {
  const b = randomBytes(16)
  b[0] = (b[0] as number) | 1
  return b.toString('base64url')
}
