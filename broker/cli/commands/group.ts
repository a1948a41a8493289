// `strata group <list|describe|reset-offsets|delete>`, like kafka-consumer-groups.sh. reset-offsets is a
// dry run that prints the preview unless --execute is given.
import {
  applyResetOffsets,
  deleteGroup,
  describeGroup,
  listGroups,
  previewResetOffsets,
} from '../../client/groups.ts'
import { AdminError } from '../../client/errors.ts'
import type { ResetTarget } from '../../client/types.ts'
import { CONNECTION_HELP, UsageError, outputMode, parseCommandArgs, runCommand, withClient } from '../args.ts'
import { formatFields, formatTable, note, writeJson, writeOut } from '../output.ts'

const HELP = `usage: strata group <subcommand> [options]

subcommands:
  list
  describe GROUP                     state, members and their assignments, committed offsets and lag
  reset-offsets GROUP (--topic T ... | --all-topics) TARGET [--execute]
      TARGET is one of:
        --to-earliest | --to-latest
        --to-datetime <ISO-8601>     first offset at or after the time, e.g. 2026-01-31T12:00:00Z
        --to-offset <n>
        --shift-by <n>               move the committed offsets by n (negative: back)
      Without --execute nothing changes: the table shows what would. The group must have no members.
  delete GROUP                       delete an inactive group and its committed offsets

examples:
  strata group list
  strata group describe billing
  strata group reset-offsets billing --topic orders --to-datetime 2026-01-31T00:00:00Z
  strata group reset-offsets billing --topic orders --shift-by -100 --execute
  strata group delete billing --output json

${CONNECTION_HELP}
`

function oneGroup(positionals: string[], what: string): string {
  const [name, ...extra] = positionals
  if (name === undefined || name === '') throw new UsageError(`${what} needs a group id`)
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`)
  return name
}

async function list(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {})
  const mode = outputMode(values)
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`)
  return withClient(values, async (client) => {
    const groups = await listGroups(client)
    if (mode === 'json') writeJson(groups)
    else
      writeOut(
        formatTable(
          ['GROUP', 'STATE', 'PROTOCOL-TYPE', 'TYPE'],
          groups.map((g) => [g.groupId, g.state, g.protocolType || null, g.groupType]),
        ),
      )
    return 0
  })
}

async function describe(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {})
  const mode = outputMode(values)
  const groupId = oneGroup(positionals, 'describe')
  return withClient(values, async (client) => {
    const group = await describeGroup(client, groupId)
    // Kafka describes an unknown group as Dead with nothing in it, as kafka-consumer-groups reports it.
    if (group.state.toLowerCase() === 'dead' && group.members.length === 0 && group.offsets.length === 0)
      throw new AdminError('not-found', `Group ${groupId} does not exist.`)
    if (mode === 'json') {
      writeJson(group)
      return 0
    }
    writeOut(
      formatFields([
        ['Group', group.groupId],
        ['State', group.state],
        ['Protocol', group.protocol || null],
        ['Members', group.members.length],
        ['Total lag', group.totalLag],
      ]),
    )
    if (group.members.length > 0) {
      writeOut('\n')
      writeOut(
        formatTable(
          ['MEMBER', 'CLIENT-ID', 'HOST', 'ASSIGNMENT'],
          group.members.map((m) => [
            m.memberId,
            m.clientId,
            m.clientHost,
            m.assignments.map((a) => `${a.topic}:${a.partitions.join(',')}`).join(' ') || null,
          ]),
        ),
      )
    }
    writeOut('\n')
    if (group.offsets.length === 0) writeOut('No committed offsets.\n')
    else
      writeOut(
        formatTable(
          ['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG'],
          group.offsets.map((o) => [o.topic, o.partition, o.committedOffset, o.highWatermark, o.lag]),
        ),
      )
    return 0
  })
}

function resetTarget(values: {
  'to-earliest': boolean
  'to-latest': boolean
  'to-datetime'?: string | undefined
  'to-offset'?: string | undefined
  'shift-by'?: string | undefined
}): ResetTarget {
  const targets: ResetTarget[] = []
  if (values['to-earliest']) targets.push({ kind: 'earliest' })
  if (values['to-latest']) targets.push({ kind: 'latest' })
  const datetime = values['to-datetime']
  if (datetime !== undefined) {
    const timestamp = Date.parse(datetime)
    if (Number.isNaN(timestamp))
      throw new UsageError(`--to-datetime expects an ISO-8601 date and time, got '${datetime}'`)
    targets.push({ kind: 'timestamp', timestamp })
  }
  const offset = values['to-offset']
  if (offset !== undefined) {
    if (!/^\d+$/.test(offset)) throw new UsageError(`--to-offset must be an offset, got '${offset}'`)
    targets.push({ kind: 'offset', offset })
  }
  const shift = values['shift-by']
  if (shift !== undefined) {
    if (!/^-?\d+$/.test(shift) || !Number.isSafeInteger(Number(shift)))
      throw new UsageError(`--shift-by must be an integer, got '${shift}'`)
    targets.push({ kind: 'shift', by: Number(shift) })
  }
  if (targets.length !== 1)
    throw new UsageError(
      'reset-offsets needs exactly one of --to-earliest, --to-latest, --to-datetime, --to-offset, --shift-by',
    )
  return targets[0] as ResetTarget
}

async function resetOffsets(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    topic: { type: 'string', short: 't', multiple: true },
    'all-topics': { type: 'boolean', default: false },
    'to-earliest': { type: 'boolean', default: false },
    'to-latest': { type: 'boolean', default: false },
    'to-datetime': { type: 'string' },
    'to-offset': { type: 'string' },
    'shift-by': { type: 'string' },
    execute: { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
  })
  const mode = outputMode(values)
  const groupId = oneGroup(positionals, 'reset-offsets')
  const topics = values.topic ?? []
  if (topics.length === 0 && !values['all-topics'])
    throw new UsageError('reset-offsets needs --topic T (repeatable) or --all-topics')
  if (topics.length > 0 && values['all-topics']) throw new UsageError('use either --topic or --all-topics')
  if (values.execute && values['dry-run']) throw new UsageError('use either --execute or --dry-run')
  const to = resetTarget(values)
  const spec = { groupId, topics: topics.length > 0 ? topics : null, to }
  return withClient(values, async (client) => {
    const changes = values.execute
      ? await applyResetOffsets(client, spec)
      : await previewResetOffsets(client, spec)
    if (mode === 'json') {
      writeJson({ groupId, executed: values.execute, changes })
      return 0
    }
    writeOut(
      formatTable(
        ['TOPIC', 'PARTITION', 'OLD-OFFSET', 'NEW-OFFSET'],
        changes.map((c) => [c.topic, c.partition, c.oldOffset, c.newOffset]),
      ),
    )
    note(
      values.execute
        ? `Reset the offsets of group ${groupId}.`
        : 'Dry run: nothing changed. Add --execute to apply these offsets.',
    )
    return 0
  })
}

async function remove(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {})
  const mode = outputMode(values)
  const groupId = oneGroup(positionals, 'delete')
  return withClient(values, async (client) => {
    await deleteGroup(client, groupId)
    if (mode === 'json') writeJson({ deleted: groupId })
    else writeOut(`Deleted group ${groupId}.\n`)
    return 0
  })
}

const SUBCOMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  list,
  describe,
  'reset-offsets': resetOffsets,
  delete: remove,
}

export function run(argv: string[]): Promise<number> {
  return runCommand('group', HELP, argv, async ([sub, ...rest]) => {
    const handler = sub === undefined ? undefined : SUBCOMMANDS[sub]
    if (!handler)
      throw new UsageError(sub === undefined ? 'missing subcommand' : `unknown subcommand '${sub}'`)
    return handler(rest)
  })
}
