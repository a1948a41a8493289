// `strata quota <list|set|remove>`: client quotas by user, client id or IP, like kafka-configs.sh with
// --entity-type users/clients/ips.
import { alterQuota, listQuotas } from '../../client/quotas.ts'
import type { QuotaEntityType, QuotaEntry } from '../../client/types.ts'
import {
  CONNECTION_HELP,
  UsageError,
  outputMode,
  parseCommandArgs,
  parseKeyValues,
  runCommand,
  withClient,
} from '../args.ts'
import { formatTable, writeJson, writeOut } from '../output.ts'

const HELP = `usage: strata quota <subcommand> [options]

subcommands:
  list
  set ENTITY --config key=value [...]   set quota values for the entity
  remove ENTITY [--config key ...]      remove the named values (all of the entity's when none are named)

ENTITY is one or more of:
  --user <name>  --client-id <id>  --ip <address>
  --default-user  --default-client-id  --default-ip   (the default for every user / client id / IP)

quota keys: producer_byte_rate, consumer_byte_rate, request_percentage, controller_mutation_rate,
connection_creation_rate

examples:
  strata quota set --user alice --config producer_byte_rate=1048576 --config consumer_byte_rate=2097152
  strata quota set --default-client-id --config request_percentage=50
  strata quota remove --user alice --config producer_byte_rate
  strata quota list --output json

${CONNECTION_HELP}
`

const ENTITY_OPTIONS = {
  user: { type: 'string' },
  'client-id': { type: 'string' },
  ip: { type: 'string' },
  'default-user': { type: 'boolean', default: false },
  'default-client-id': { type: 'boolean', default: false },
  'default-ip': { type: 'boolean', default: false },
  config: { type: 'string', short: 'c', multiple: true },
} as const

type EntityValues = {
  user?: string | undefined
  'client-id'?: string | undefined
  ip?: string | undefined
  'default-user': boolean
  'default-client-id': boolean
  'default-ip': boolean
}

function entityOf(values: EntityValues): QuotaEntry['entity'] {
  const entity: QuotaEntry['entity'] = []
  for (const type of ['user', 'client-id', 'ip'] as QuotaEntityType[]) {
    const name = values[type]
    const isDefault = values[`default-${type}`]
    if (name !== undefined && isDefault) throw new UsageError(`use either --${type} or --default-${type}`)
    if (name !== undefined) {
      if (name === '') throw new UsageError(`--${type} must not be empty`)
      entity.push({ type, name })
    } else if (isDefault) entity.push({ type, name: null })
  }
  if (entity.length === 0)
    throw new UsageError('name the entity: --user, --client-id, --ip or a --default-... option')
  return entity
}

export function entityText(entity: QuotaEntry['entity']): string {
  return entity.map((e) => `${e.type}=${e.name ?? '<default>'}`).join(',')
}

function sameEntity(a: QuotaEntry['entity'], b: QuotaEntry['entity']): boolean {
  const key = (e: QuotaEntry['entity']): string =>
    e
      .map((p) => `${p.type}=${p.name === null ? '\0' : p.name}`)
      .sort()
      .join(',')
  return key(a) === key(b)
}

async function list(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {})
  const mode = outputMode(values)
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`)
  return withClient(values, async (client) => {
    const quotas = await listQuotas(client)
    if (mode === 'json') writeJson(quotas)
    else
      writeOut(
        formatTable(
          ['ENTITY', 'QUOTAS'],
          quotas.map((q) => [
            entityText(q.entity),
            Object.entries(q.values)
              .map(([k, v]) => `${k}=${v}`)
              .join(','),
          ]),
        ),
      )
    return 0
  })
}

async function set(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, ENTITY_OPTIONS)
  const mode = outputMode(values)
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`)
  const entity = entityOf(values)
  const raw = parseKeyValues('config', values.config)
  if (Object.keys(raw).length === 0) throw new UsageError('set needs at least one --config key=value')
  const numbers: Record<string, number> = {}
  for (const [k, v] of Object.entries(raw)) {
    const n = Number(v)
    if (v.trim() === '' || !Number.isFinite(n) || n < 0)
      throw new UsageError(`--config ${k} must be a non-negative number, got '${v}'`)
    numbers[k] = n
  }
  return withClient(values, async (client) => {
    await alterQuota(client, { entity, set: numbers, remove: [] })
    if (mode === 'json') writeJson({ entity, set: numbers })
    else writeOut(`Set quotas for ${entityText(entity)}.\n`)
    return 0
  })
}

async function remove(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, ENTITY_OPTIONS)
  const mode = outputMode(values)
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`)
  const entity = entityOf(values)
  return withClient(values, async (client) => {
    let keys = (values.config ?? []).map((k) => k.trim()).filter((k) => k !== '')
    if (keys.length === 0) {
      const current = (await listQuotas(client)).find((q) => sameEntity(q.entity, entity))
      keys = Object.keys(current?.values ?? {})
    }
    if (keys.length > 0) await alterQuota(client, { entity, set: {}, remove: keys })
    if (mode === 'json') writeJson({ entity, removed: keys })
    else
      writeOut(
        keys.length > 0
          ? `Removed ${keys.join(', ')} for ${entityText(entity)}.\n`
          : `No quotas set for ${entityText(entity)}.\n`,
      )
    return 0
  })
}

const SUBCOMMANDS: Record<string, (argv: string[]) => Promise<number>> = { list, set, remove }

export function run(argv: string[]): Promise<number> {
  return runCommand('quota', HELP, argv, async ([sub, ...rest]) => {
    const handler = sub === undefined ? undefined : SUBCOMMANDS[sub]
    if (!handler)
      throw new UsageError(sub === undefined ? 'missing subcommand' : `unknown subcommand '${sub}'`)
    return handler(rest)
  })
}
