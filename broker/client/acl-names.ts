// Kafka's ACL resource types, pattern types, operations and permissions as Strata spells them (Kafka's
// names, lower-case with dashes), in one place for the command line, the IPC contract and the console.
// Plain constants with no imports, so the renderer bundles them too.
export const ACL_RESOURCE_TYPES = [
  'topic',
  'group',
  'cluster',
  'transactional-id',
  'delegation-token',
  'user',
] as const
export const ACL_PATTERN_TYPES = ['literal', 'prefixed'] as const
export const ACL_OPERATIONS = [
  'all',
  'read',
  'write',
  'create',
  'delete',
  'alter',
  'describe',
  'cluster-action',
  'describe-configs',
  'alter-configs',
  'idempotent-write',
] as const
export const ACL_PERMISSIONS = ['allow', 'deny'] as const

export type AclResourceType = (typeof ACL_RESOURCE_TYPES)[number]
export type AclPatternType = (typeof ACL_PATTERN_TYPES)[number]
export type AclOperationName = (typeof ACL_OPERATIONS)[number]
export type AclPermission = (typeof ACL_PERMISSIONS)[number]
