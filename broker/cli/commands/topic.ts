// `strata topic <create|list|describe|alter-config|add-partitions|delete|delete-records>`, like
// kafka-topics.sh and kafka-configs.sh for topics, over the admin back end (broker/client).
import { describePartitions } from '../../client/partitions.ts'
import { deleteRecords } from '../../client/records.ts'
import {
  addPartitions,
  alterTopicConfigs,
  createTopic,
  deleteTopics,
  describeTopicConfigs,
  listTopics,
} from '../../client/topics.ts'
import {
  CONNECTION_HELP,
  UsageError,
  outputMode,
  parseCommandArgs,
  parseIntArg,
  parseKeyValues,
  runCommand,
  withClient,
} from '../args.ts'
import { formatFields, formatTable, writeJson, writeOut } from '../output.ts'

const HELP = `usage: strata topic <subcommand> [options]

subcommands:
  create NAME [--partitions N] [--replication-factor R] [--config k=v ...] [--if-not-exists]
  list [--include-internal]
  describe NAME [--all-configs]            partitions (leader, replicas, ISR, offsets) and configs
  alter-config NAME [--set k=v ...] [--delete k ...]
  add-partitions NAME --partitions N       raise the partition count to N
  delete NAME [NAME ...]
  delete-records NAME --offset N [--partition P]
                                           delete records before offset N (-1: everything so far)

examples:
  strata topic create orders --partitions 6 --config retention.ms=86400000
  strata topic list --output json
  strata topic describe orders
  strata topic alter-config orders --set cleanup.policy=compact --delete retention.ms
  strata topic add-partitions orders --partitions 12
  strata topic delete-records orders --partition 0 --offset 1000
  strata topic delete orders -b kafka-1:9092

${CONNECTION_HELP}
`

function oneName(positionals: string[], what: string): string {
  const [name, ...extra] = positionals
  if (name === undefined || name.trim() === '') throw new UsageError(`${what} needs a topic name`)
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`)
  return name
}

async function create(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    partitions: { type: 'string', short: 'p' },
    'replication-factor': { type: 'string', short: 'r' },
    config: { type: 'string', short: 'c', multiple: true },
    'if-not-exists': { type: 'boolean', default: false },
  })
  const mode = outputMode(values)
  const name = oneName(positionals, 'create')
  const partitions = parseIntArg('partitions', values.partitions, 1) ?? -1
  const replicationFactor = parseIntArg('replication-factor', values['replication-factor'], 1, 32767) ?? -1
  const configs = parseKeyValues('config', values.config)
  return withClient(values, async (client) => {
    let created = true
    try {
      await createTopic(client, { name, partitions, replicationFactor, configs })
    } catch (error) {
      if (!(values['if-not-exists'] && (error as { code?: string }).code === 'already-exists')) throw error
      created = false
    }
    if (mode === 'json') writeJson({ topic: name, created })
    else writeOut(created ? `Created topic ${name}.\n` : `Topic ${name} already exists.\n`)
    return 0
  })
}

async function list(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    'include-internal': { type: 'boolean', default: false },
  })
  const mode = outputMode(values)
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`)
  return withClient(values, async (client) => {
    const topics = await listTopics(client, { includeInternal: values['include-internal'] })
    if (mode === 'json') writeJson(topics)
    else
      writeOut(
        formatTable(
          ['TOPIC', 'PARTITIONS', 'REPLICAS', 'MESSAGES', 'SIZE'],
          topics.map((t) => [t.name, t.partitions, t.replicationFactor, t.messageCount, t.sizeBytes]),
        ),
      )
    return 0
  })
}

async function describe(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    'all-configs': { type: 'boolean', default: false },
  })
  const mode = outputMode(values)
  const name = oneName(positionals, 'describe')
  return withClient(values, async (client) => {
    const partitions = await describePartitions(client, name)
    const configs = await describeTopicConfigs(client, name)
    if (mode === 'json') {
      writeJson({ topic: name, partitions, configs })
      return 0
    }
    const shown = values['all-configs'] ? configs : configs.filter((c) => !c.isDefault)
    let messages = 0n
    for (const p of partitions) messages += BigInt(p.highWatermark) - BigInt(p.logStartOffset)
    writeOut(
      formatFields([
        ['Topic', name],
        ['Partitions', partitions.length],
        ['Replication factor', partitions[0]?.replicas.length ?? 0],
        ['Messages', messages],
      ]),
    )
    writeOut('\n')
    writeOut(
      formatTable(
        ['PARTITION', 'LEADER', 'EPOCH', 'REPLICAS', 'ISR', 'LOG-START', 'HIGH-WATERMARK', 'SIZE'],
        partitions.map((p) => [
          p.partition,
          p.leader,
          p.leaderEpoch,
          p.replicas.join(','),
          p.isr.join(','),
          p.logStartOffset,
          p.highWatermark,
          p.sizeBytes,
        ]),
      ),
    )
    writeOut('\n')
    if (shown.length === 0) writeOut('Configs: all defaults (--all-configs lists them)\n')
    else
      writeOut(
        formatTable(
          ['CONFIG', 'VALUE', 'SOURCE'],
          shown.map((c) => [c.name, c.sensitive ? '(sensitive)' : c.value, c.source]),
        ),
      )
    return 0
  })
}

async function alterConfig(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    set: { type: 'string', multiple: true },
    delete: { type: 'string', multiple: true },
  })
  const mode = outputMode(values)
  const name = oneName(positionals, 'alter-config')
  const set = parseKeyValues('set', values.set)
  const reset = (values.delete ?? []).map((k) => k.trim()).filter((k) => k !== '')
  if (Object.keys(set).length === 0 && reset.length === 0)
    throw new UsageError('alter-config needs --set k=v or --delete k')
  return withClient(values, async (client) => {
    await alterTopicConfigs(client, name, { set, reset })
    if (mode === 'json') writeJson({ topic: name, set, deleted: reset })
    else writeOut(`Updated configs of topic ${name}.\n`)
    return 0
  })
}

async function morePartitions(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { partitions: { type: 'string', short: 'p' } })
  const mode = outputMode(values)
  const name = oneName(positionals, 'add-partitions')
  const total = parseIntArg('partitions', values.partitions, 1)
  if (total === undefined) throw new UsageError('add-partitions needs --partitions N (the new total)')
  return withClient(values, async (client) => {
    await addPartitions(client, name, total)
    if (mode === 'json') writeJson({ topic: name, partitions: total })
    else writeOut(`Topic ${name} now has ${total} partitions.\n`)
    return 0
  })
}

async function remove(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {})
  const mode = outputMode(values)
  if (positionals.length === 0) throw new UsageError('delete needs at least one topic name')
  return withClient(values, async (client) => {
    await deleteTopics(client, positionals)
    if (mode === 'json') writeJson({ deleted: positionals })
    else writeOut(`Deleted topic${positionals.length > 1 ? 's' : ''} ${positionals.join(', ')}.\n`)
    return 0
  })
}

async function removeRecords(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    offset: { type: 'string' },
    partition: { type: 'string', short: 'p', multiple: true },
  })
  const mode = outputMode(values)
  const name = oneName(positionals, 'delete-records')
  if (values.offset === undefined) throw new UsageError('delete-records needs --offset N (-1: up to the end)')
  if (!/^-?\d+$/.test(values.offset) || BigInt(values.offset) < -1n)
    throw new UsageError(`--offset must be an offset or -1, got '${values.offset}'`)
  const offset = BigInt(values.offset).toString()
  const chosen = (values.partition ?? []).map((p) => parseIntArg('partition', p, 0) as number)
  return withClient(values, async (client) => {
    const partitions =
      chosen.length > 0 ? chosen : (await describePartitions(client, name)).map((p) => p.partition)
    const result = await deleteRecords(client, {
      topic: name,
      partitions: partitions.map((partition) => ({ partition, offset })),
    })
    if (mode === 'json') writeJson({ topic: name, partitions: result })
    else
      writeOut(
        formatTable(
          ['PARTITION', 'LOW-WATERMARK'],
          result.map((r) => [r.partition, r.lowWatermark]),
        ),
      )
    return 0
  })
}

const SUBCOMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  create,
  list,
  describe,
  'alter-config': alterConfig,
  'add-partitions': morePartitions,
  delete: remove,
  'delete-records': removeRecords,
}

export function run(argv: string[]): Promise<number> {
  return runCommand('topic', HELP, argv, async ([sub, ...rest]) => {
    const handler = sub === undefined ? undefined : SUBCOMMANDS[sub]
    if (!handler)
      throw new UsageError(sub === undefined ? 'missing subcommand' : `unknown subcommand '${sub}'`)
    return handler(rest)
  })
}
