// `strata acl <list|create|delete>`, like kafka-acls.sh. Resource, pattern, operation and permission names
// are Kafka's, lower-case with dashes (topic, prefixed, describe-configs, allow).
import {
  ACL_OPERATIONS,
  ACL_PATTERN_TYPES,
  ACL_PERMISSIONS,
  ACL_RESOURCE_TYPES,
} from '../../client/acl-names.ts'
import { createAcls, deleteAcls, listAcls } from '../../client/acls.ts'
import type { AclBinding, AclFilterSpec, AclOperationName, AclResourceType } from '../../client/types.ts'
import { CONNECTION_HELP, UsageError, outputMode, parseCommandArgs, runCommand, withClient } from '../args.ts'
import { formatTable, writeJson, writeOut } from '../output.ts'

const HELP = `usage: strata acl <subcommand> [options]

subcommands:
  list [FILTER]        every ACL, or those matching the filter
  create BINDING       add ACLs: one per --operation
  delete FILTER        remove every ACL matching the filter (at least one filter option is required)

BINDING / FILTER options:
  --resource-type <${ACL_RESOURCE_TYPES.join('|')}>
  --resource-name <name>        (or --topic NAME, --group NAME, --cluster)
  --pattern-type <literal|prefixed>       (default literal for create)
  --principal <User:name>       the principal, e.g. User:alice (User:* for everyone)
  --host <host>                 (default * for create)
  --operation <op>              repeatable: ${ACL_OPERATIONS.join(', ')}
  --permission <allow|deny>     (default allow for create)

examples:
  strata acl create --topic orders --principal User:alice --operation read --operation describe
  strata acl create --group billing- --pattern-type prefixed --principal User:alice --operation read
  strata acl list --principal User:alice
  strata acl delete --topic orders --principal User:alice --output json

${CONNECTION_HELP}
`

const FILTER_OPTIONS = {
  'resource-type': { type: 'string' },
  'resource-name': { type: 'string' },
  topic: { type: 'string' },
  group: { type: 'string' },
  cluster: { type: 'boolean', default: false },
  'pattern-type': { type: 'string' },
  principal: { type: 'string' },
  host: { type: 'string' },
  operation: { type: 'string', multiple: true },
  permission: { type: 'string' },
} as const

type FilterValues = {
  'resource-type'?: string | undefined
  'resource-name'?: string | undefined
  topic?: string | undefined
  group?: string | undefined
  cluster: boolean
  'pattern-type'?: string | undefined
  principal?: string | undefined
  host?: string | undefined
  operation?: string[] | undefined
  permission?: string | undefined
}

function oneOf<T extends string>(name: string, allowed: readonly T[], raw: string | undefined): T | null {
  if (raw === undefined) return null
  const v = raw.toLowerCase().replace(/_/g, '-') as T
  if (!allowed.includes(v))
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got '${raw}'`)
  return v
}

/** The filter fields from the options (null where not given), one filter per --operation. */
function filtersOf(values: FilterValues): AclFilterSpec[] {
  let resourceType = oneOf('resource-type', ACL_RESOURCE_TYPES, values['resource-type'])
  let resourceName = values['resource-name'] ?? null
  const shorthands: [AclResourceType, string | null][] = []
  if (values.topic !== undefined) shorthands.push(['topic', values.topic])
  if (values.group !== undefined) shorthands.push(['group', values.group])
  if (values.cluster) shorthands.push(['cluster', 'kafka-cluster'])
  if (shorthands.length > 1) throw new UsageError('use only one of --topic, --group, --cluster')
  const [shorthand] = shorthands
  if (shorthand) {
    if (resourceType !== null || resourceName !== null)
      throw new UsageError('use either --topic/--group/--cluster or --resource-type/--resource-name')
    ;[resourceType, resourceName] = shorthand
  }
  const principal = values.principal ?? null
  if (principal !== null && !/^[^:]+:.+$/.test(principal))
    throw new UsageError(`--principal expects Type:name (e.g. User:alice), got '${principal}'`)
  const base: Omit<AclFilterSpec, 'operation'> = {
    resourceType,
    resourceName,
    patternType: oneOf('pattern-type', ACL_PATTERN_TYPES, values['pattern-type']),
    principal,
    host: values.host ?? null,
    permission: oneOf('permission', ACL_PERMISSIONS, values.permission),
  }
  const ops = (values.operation ?? []).map((o) => oneOf('operation', ACL_OPERATIONS, o) as AclOperationName)
  return ops.length === 0 ? [{ ...base, operation: null }] : ops.map((operation) => ({ ...base, operation }))
}

function bindingTable(bindings: AclBinding[]): string {
  return formatTable(
    ['RESOURCE-TYPE', 'RESOURCE-NAME', 'PATTERN', 'PRINCIPAL', 'HOST', 'OPERATION', 'PERMISSION'],
    bindings.map((b) => [
      b.resourceType,
      b.resourceName,
      b.patternType,
      b.principal,
      b.host,
      b.operation,
      b.permission,
    ]),
  )
}

async function list(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, FILTER_OPTIONS)
  const mode = outputMode(values)
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`)
  const filters = filtersOf(values)
  return withClient(values, async (client) => {
    const seen = new Set<string>()
    const bindings: AclBinding[] = []
    for (const filter of filters)
      for (const b of await listAcls(client, filter)) {
        const key = JSON.stringify(b)
        if (!seen.has(key)) bindings.push(b)
        seen.add(key)
      }
    if (mode === 'json') writeJson(bindings)
    else writeOut(bindingTable(bindings))
    return 0
  })
}

async function create(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, FILTER_OPTIONS)
  const mode = outputMode(values)
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`)
  const filters = filtersOf(values)
  const bindings = filters.map((f): AclBinding => {
    if (f.resourceType === null)
      throw new UsageError('create needs --resource-type (or --topic, --group, --cluster)')
    if (f.resourceName === null) throw new UsageError('create needs --resource-name')
    if (f.principal === null) throw new UsageError('create needs --principal')
    if (f.operation === null) throw new UsageError('create needs at least one --operation')
    return {
      resourceType: f.resourceType,
      resourceName: f.resourceName,
      patternType: f.patternType ?? 'literal',
      principal: f.principal,
      host: f.host ?? '*',
      operation: f.operation,
      permission: f.permission ?? 'allow',
    }
  })
  return withClient(values, async (client) => {
    await createAcls(client, bindings)
    if (mode === 'json') writeJson({ created: bindings })
    else
      writeOut(
        `Created ${bindings.length} ACL${bindings.length === 1 ? '' : 's'}:\n${bindingTable(bindings)}`,
      )
    return 0
  })
}

async function remove(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, FILTER_OPTIONS)
  const mode = outputMode(values)
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`)
  const filters = filtersOf(values)
  if (filters.every((f) => Object.values(f).every((v) => v === null)))
    throw new UsageError('delete needs at least one filter option (it would remove every ACL)')
  return withClient(values, async (client) => {
    const deleted = await deleteAcls(client, filters)
    if (mode === 'json') writeJson({ deleted })
    else
      writeOut(
        `Deleted ${deleted.length} ACL${deleted.length === 1 ? '' : 's'}.\n${deleted.length > 0 ? bindingTable(deleted) : ''}`,
      )
    return 0
  })
}

const SUBCOMMANDS: Record<string, (argv: string[]) => Promise<number>> = { list, create, delete: remove }

export function run(argv: string[]): Promise<number> {
  return runCommand('acl', HELP, argv, async ([sub, ...rest]) => {
    const handler = sub === undefined ? undefined : SUBCOMMANDS[sub]
    if (!handler)
      throw new UsageError(sub === undefined ? 'missing subcommand' : `unknown subcommand '${sub}'`)
    return handler(rest)
  })
}
