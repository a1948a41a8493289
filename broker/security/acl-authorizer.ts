// Kafka's ACL model (KIP-290 prefixed patterns included): validating new bindings, matching bindings
// against DescribeAcls/DeleteAcls filters, and the authorization decision StandardAuthorizer makes:
// super users pass, a matching DENY wins over any ALLOW, ALLOW of an operation implies DESCRIBE (READ,
// WRITE, DELETE, ALTER) or DESCRIBE_CONFIGS (ALTER_CONFIGS), and a resource without any ACL follows
// allow.everyone.if.no.acl.found. Without `authorizer.class.name` there is no authorizer: all is allowed.
import type { MetadataImage } from '../metadata/image.ts'
import type { AclBindingValue } from '../metadata/records.ts'

export const ResourceType = {
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  CLUSTER: 4,
  TRANSACTIONAL_ID: 5,
  DELEGATION_TOKEN: 6,
  USER: 7,
} as const

export const PatternType = { ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const

export const AclOperation = {
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
} as const

export const AclPermission = { ANY: 1, DENY: 2, ALLOW: 3 } as const

export const WILDCARD = '*'
export const CLUSTER_NAME = 'kafka-cluster'

export class AclError extends Error {}

/** The filter fields of DescribeAcls and DeleteAcls; null strings match anything. */
export interface AclFilter {
  resourceType: number
  resourceName: string | null
  patternType: number
  principal: string | null
  host: string | null
  operation: number
  permissionType: number
}

/** Checks a binding before CreateAcls stores it; throws AclError (INVALID_REQUEST) as Kafka does. */
export function validateBinding(b: AclBindingValue): void {
  if (b.resourceType <= ResourceType.ANY || b.resourceType > ResourceType.USER) {
    throw new AclError(`Invalid resource type ${b.resourceType}`)
  }
  if (b.patternType !== PatternType.LITERAL && b.patternType !== PatternType.PREFIXED) {
    throw new AclError(`Invalid pattern type ${b.patternType}`)
  }
  if (b.operation <= AclOperation.ANY || b.operation > AclOperation.DESCRIBE_TOKENS) {
    throw new AclError(`Invalid operation ${b.operation}`)
  }
  if (b.permissionType !== AclPermission.ALLOW && b.permissionType !== AclPermission.DENY) {
    throw new AclError(`Invalid permission type ${b.permissionType}`)
  }
  if (b.resourceName === '') throw new AclError('Resource name should not be empty')
  if (b.resourceType === ResourceType.CLUSTER && b.resourceName !== CLUSTER_NAME) {
    throw new AclError(`The only valid name for the CLUSTER resource is ${CLUSTER_NAME}`)
  }
  if (b.patternType === PatternType.PREFIXED && b.resourceName === WILDCARD) {
    throw new AclError('A prefixed pattern cannot be the wildcard')
  }
  const colon = b.principal.indexOf(':')
  if (colon <= 0) throw new AclError(`Could not parse principal from \`${b.principal}\` (no colon is found)`)
  if (b.host === '') throw new AclError('Invalid empty host')
}

/** Kafka's AclBindingFilter.matches. */
export function filterMatches(f: AclFilter, b: AclBindingValue): boolean {
  if (f.resourceType !== ResourceType.ANY && f.resourceType !== b.resourceType) return false
  if (
    f.patternType !== PatternType.ANY &&
    f.patternType !== PatternType.MATCH &&
    f.patternType !== b.patternType
  ) {
    return false
  }
  if (f.resourceName !== null) {
    if (f.patternType === PatternType.ANY || f.patternType === b.patternType) {
      if (f.resourceName !== b.resourceName) return false
    } else if (b.patternType === PatternType.LITERAL) {
      if (f.resourceName !== b.resourceName && b.resourceName !== WILDCARD) return false
    } else if (!f.resourceName.startsWith(b.resourceName)) {
      return false
    }
  }
  if (f.principal !== null && f.principal !== b.principal) return false
  if (f.host !== null && f.host !== b.host) return false
  if (f.operation !== AclOperation.ANY && f.operation !== b.operation) return false
  if (f.permissionType !== AclPermission.ANY && f.permissionType !== b.permissionType) return false
  return true
}

/** Operations an ALLOW of `op` also grants. */
function allowImplies(granted: number, requested: number): boolean {
  if (granted === requested || granted === AclOperation.ALL) return true
  if (requested === AclOperation.DESCRIBE) {
    return (
      granted === AclOperation.READ ||
      granted === AclOperation.WRITE ||
      granted === AclOperation.DELETE ||
      granted === AclOperation.ALTER
    )
  }
  return requested === AclOperation.DESCRIBE_CONFIGS && granted === AclOperation.ALTER_CONFIGS
}

function patternCovers(b: AclBindingValue, resourceType: number, name: string): boolean {
  if (b.resourceType !== resourceType) return false
  if (b.patternType === PatternType.LITERAL) return b.resourceName === name || b.resourceName === WILDCARD
  return name.startsWith(b.resourceName)
}

export interface AuthorizerSettings {
  /** false when no authorizer is configured: every request is allowed. */
  enabled: boolean
  /** Principals (`User:admin`) that pass every check. */
  superUsers: ReadonlySet<string>
  allowEveryoneIfNoAclFound: boolean
}

export interface AuthzRequest {
  principal: string
  host: string
  operation: number
  resourceType: number
  resourceName: string
}

/** Reads the authorizer settings from broker configs (Kafka's names). */
export function authorizerSettings(get: (name: string) => string | null): AuthorizerSettings {
  const superUsers = (get('super.users') ?? '')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  return {
    enabled: (get('authorizer.class.name') ?? '').trim() !== '',
    superUsers: new Set(superUsers),
    allowEveryoneIfNoAclFound: get('allow.everyone.if.no.acl.found') === 'true',
  }
}

/** The decision for one operation on one resource. */
export function authorize(image: MetadataImage, s: AuthorizerSettings, req: AuthzRequest): boolean {
  if (!s.enabled || s.superUsers.has(req.principal)) return true
  let anyForResource = false
  let allowed = false
  for (const b of image.acls.values()) {
    if (!patternCovers(b, req.resourceType, req.resourceName)) continue
    anyForResource = true
    if (b.principal !== req.principal && b.principal !== 'User:*') continue
    if (b.host !== req.host && b.host !== WILDCARD) continue
    if (b.permissionType === AclPermission.DENY) {
      if (b.operation === req.operation || b.operation === AclOperation.ALL) return false
    } else if (allowImplies(b.operation, req.operation)) {
      allowed = true
    }
  }
  return anyForResource ? allowed : s.allowEveryoneIfNoAclFound
}

/**
 * Kafka's Authorizer.authorizeByResourceType (KIP-679): may the principal do `operation` on at least one
 * resource of the type? Super users and the no-ACL default are decided on a made-up name, as Kafka does;
 * otherwise an ALLOW (exact operation or ALL) counts unless a DENY covers its whole pattern. Implied
 * operations do not apply here.
 */
export function authorizeByResourceType(
  image: MetadataImage,
  s: AuthorizerSettings,
  req: Omit<AuthzRequest, 'resourceName'>,
): boolean {
  if (authorize(image, s, { ...req, resourceName: 'hardcode' })) return true
  const denyLiteral = new Set<string>()
  const denyPrefixed = new Set<string>()
  const allows: AclBindingValue[] = []
  let wildcardAllow = false
  for (const b of image.acls.values()) {
    if (b.resourceType !== req.resourceType) continue
    if (b.host !== req.host && b.host !== WILDCARD) continue
    if (b.principal !== req.principal && b.principal !== 'User:*') continue
    if (b.operation !== req.operation && b.operation !== AclOperation.ALL) continue
    if (b.permissionType === AclPermission.DENY) {
      if (b.patternType === PatternType.LITERAL) {
        if (b.resourceName === WILDCARD) return false
        denyLiteral.add(b.resourceName)
      } else if (b.patternType === PatternType.PREFIXED) {
        denyPrefixed.add(b.resourceName)
      }
    } else if (b.permissionType === AclPermission.ALLOW) {
      if (b.patternType === PatternType.LITERAL && b.resourceName === WILDCARD) wildcardAllow = true
      else allows.push(b)
    }
  }
  if (wildcardAllow) return true
  return allows.some((b) => {
    if (b.patternType === PatternType.LITERAL && denyLiteral.has(b.resourceName)) return false
    for (let i = 1; i <= b.resourceName.length; i++) {
      if (denyPrefixed.has(b.resourceName.slice(0, i))) return false
    }
    return true
  })
}
