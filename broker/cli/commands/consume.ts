// `strata consume TOPIC`: prints records as they arrive, like kafka-console-consumer.sh. Without --group it
// reads partitions directly with Fetch (no group, nothing committed); with --group it joins the group,
// resumes from the committed offsets and commits what it printed when it stops (Ctrl-C, --max-messages,
// --timeout-ms).
import type { Message } from '@platformatic/kafka'
import type { ClusterClient } from '../../client/cluster-client.ts'
import { decodePayload } from '../../client/decode.ts'
import { AdminError } from '../../client/errors.ts'
import { batchToViews } from '../../client/fetch-range.ts'
import { topicLayout } from '../../client/messages.ts'
import { partitionBounds } from '../../client/offsets.ts'
import { run as runOperation } from '../../client/run.ts'
import type { DecodeFormat, MessageView } from '../../client/types.ts'
import {
  CONNECTION_HELP,
  UsageError,
  clientFrom,
  parseCommandArgs,
  parseIntArg,
  runCommand,
} from '../args.ts'
import { toJson } from '../output.ts'

const HELP = `usage: strata consume TOPIC [options]

Prints the records of a topic, one per line, until Ctrl-C (or --max-messages / --timeout-ms).

options:
  --from-beginning              start at the oldest record (default: only new records)
  --offset <earliest|latest|n>  start offset; a number needs --partition
  -p, --partition <n>           read only this partition
  -g, --group <id>              consume as a member of this group: start at its committed offsets and
                                commit what was printed on exit
  -n, --max-messages <n>        exit after printing n records
  --timeout-ms <ms>             exit when no record arrives for this long
  -F, --format <value|key-value|json>
                                value: the value only (default); key-value: key, separator, value;
                                json: one JSON object per line with topic, partition, offset, timestamp,
                                key, value and headers (--output json means the same)
  --separator <sep>             between key and value in key-value format (default a tab)
  --key-format <text|hex|base64>, --value-format <text|hex|base64>
                                how payloads are printed (default text; invalid UTF-8 prints as hex)

examples:
  strata consume orders --from-beginning --max-messages 10
  strata consume orders --group audit --format json | jq .value
  strata consume orders --partition 2 --offset 1500 --format key-value

${CONNECTION_HELP}
`

type Format = 'value' | 'key-value' | 'json'
const PAYLOAD_FORMATS: DecodeFormat[] = ['text', 'hex', 'base64']
const NO_LIMIT = Number.MAX_SAFE_INTEGER

interface Printer {
  print(view: MessageView): void
}

function makePrinter(format: Format, separator: string): Printer {
  const text = (p: MessageView['value']): string => (p === null ? 'null' : p.text)
  const out = (line: string): void => {
    process.stdout.write(line + '\n')
  }
  switch (format) {
    case 'value':
      return { print: (v) => out(text(v.value)) }
    case 'key-value':
      return { print: (v) => out(`${text(v.key)}${separator}${text(v.value)}`) }
    case 'json':
      return {
        print: (v) =>
          out(
            toJson(
              {
                topic: v.topic,
                partition: v.partition,
                offset: v.offset,
                timestamp: v.timestamp,
                key: v.key?.text ?? null,
                value: v.value?.text ?? null,
                headers: Object.fromEntries(v.headers.map((h) => [h.key, h.value?.text ?? null])),
              },
              0,
            ),
          ),
      }
  }
}

interface StopControl {
  /** Resolves when a signal, the message limit or the idle timeout asks to stop. */
  stopped: Promise<string>
  stop(reason: string): void
  isStopped(): boolean
  /** Restarts the idle timer (a record arrived). */
  touch(): void
  dispose(): void
}

function stopControl(timeoutMs: number | undefined): StopControl {
  let resolve!: (reason: string) => void
  const stopped = new Promise<string>((r) => (resolve = r))
  let done = false
  let timer: NodeJS.Timeout | null = null
  const stop = (reason: string): void => {
    if (done) return
    done = true
    if (timer) clearTimeout(timer)
    resolve(reason)
  }
  const touch = (): void => {
    if (timeoutMs === undefined || done) return
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => stop('timeout'), timeoutMs)
  }
  const onSignal = (): void => {
    // A second Ctrl-C while committing exits at once.
    if (done) process.exit(130)
    stop('signal')
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  touch()
  return {
    stopped,
    stop,
    isStopped: () => done,
    touch,
    dispose: () => {
      if (timer) clearTimeout(timer)
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    },
  }
}

interface ConsumeSettings {
  topic: string
  partition: number | null
  start: { kind: 'earliest' } | { kind: 'latest' } | { kind: 'offset'; offset: bigint }
  maxMessages: number
  keyFormat: DecodeFormat
  valueFormat: DecodeFormat
}

/** Reads partitions directly with Fetch, without a group. */
async function consumeDirect(
  client: ClusterClient,
  s: ConsumeSettings,
  printer: Printer,
  control: StopControl,
): Promise<number> {
  const consumer = client.fetcher()
  try {
    const layout = await runOperation(() => topicLayout(consumer, s.topic))
    const all = layout.leaders.map((_, i) => i)
    if (s.partition !== null && !all.includes(s.partition))
      throw new AdminError(
        'not-found',
        `Topic ${s.topic} has no partition ${s.partition} (it has ${all.length}).`,
      )
    const partitions = s.partition === null ? all : [s.partition]
    const bounds = await runOperation(() => partitionBounds(client.admin, s.topic, partitions))
    const next = new Map<number, bigint>()
    for (const p of partitions) {
      const b = bounds.get(p)!
      const start = s.start
      let offset =
        start.kind === 'earliest' ? b.logStart : start.kind === 'latest' ? b.highWatermark : start.offset
      if (offset < b.logStart) offset = b.logStart
      if (offset > b.highWatermark) offset = b.highWatermark
      next.set(p, offset)
    }
    const byNode = new Map<number, number[]>()
    for (const p of partitions) {
      const node = layout.leaders[p] ?? 0
      byNode.set(node, [...(byNode.get(node) ?? []), p])
    }
    const view = { keyFormat: s.keyFormat, valueFormat: s.valueFormat, maxPayloadBytes: NO_LIMIT }
    let printed = 0
    const loop = async (): Promise<void> => {
      while (!control.isStopped()) {
        for (const [node, nodePartitions] of byNode) {
          const response = await runOperation(() =>
            consumer.fetch({
              node,
              maxWaitTime: 500,
              topics: [
                {
                  topicId: layout.topicId,
                  partitions: nodePartitions.map((partition) => ({
                    partition,
                    fetchOffset: next.get(partition) ?? 0n,
                    partitionMaxBytes: 1024 * 1024,
                    currentLeaderEpoch: -1,
                    lastFetchedEpoch: -1,
                  })),
                },
              ],
            }),
          )
          if (control.isStopped()) return
          for (const answer of response.responses.flatMap((t) => t.partitions)) {
            if (answer.errorCode !== 0)
              throw new AdminError(
                'kafka',
                `Fetch from ${s.topic}-${answer.partitionIndex} failed with error code ${answer.errorCode}.`,
              )
            for (const batch of answer.records ?? []) {
              const from = next.get(answer.partitionIndex) ?? 0n
              for (const record of batchToViews(s.topic, answer.partitionIndex, batch, from, view)) {
                printer.print(record.view)
                control.touch()
                if (++printed >= s.maxMessages) {
                  control.stop('limit')
                  return
                }
              }
              const end = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n
              if (end > from) next.set(answer.partitionIndex, end)
            }
          }
        }
      }
    }
    const failed = loop().then(
      () => null,
      (error: unknown) => error,
    )
    await Promise.race([control.stopped, failed])
    control.stop('done')
    const error = await failed
    if (error) throw error
    return printed
  } finally {
    await consumer.close(true)
  }
}

function toView(message: Message, s: ConsumeSettings): MessageView {
  let size = (message.key?.length ?? 0) + (message.value?.length ?? 0)
  const headers = [...message.headers].map(([k, v]) => {
    size += k.length + (v?.length ?? 0)
    return { key: k.toString('utf8'), value: decodePayload(v ?? null, 'text', NO_LIMIT) }
  })
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset.toString(),
    timestamp: Number(message.timestamp),
    key: decodePayload(message.key ?? null, s.keyFormat, NO_LIMIT),
    value: decodePayload(message.value ?? null, s.valueFormat, NO_LIMIT),
    headers,
    sizeBytes: size,
  }
}

/** Joins `groupId`, prints what it is assigned, and commits the offsets after the printed records on exit. */
async function consumeInGroup(
  client: ClusterClient,
  password: string | null,
  groupId: string,
  s: ConsumeSettings,
  fromBeginning: boolean,
  printer: Printer,
  control: StopControl,
): Promise<number> {
  const [{ Consumer }, { kafkaOptions }] = await Promise.all([
    import('@platformatic/kafka'),
    import('../../client/cluster-client.ts'),
  ])
  const consumer = new Consumer({
    ...kafkaOptions(client.config, { password }, 'strata-cli'),
    groupId,
    maxWaitTime: 500,
  })
  const toCommit = new Map<
    string,
    { topic: string; partition: number; offset: bigint; leaderEpoch: number }
  >()
  let printed = 0
  try {
    const stream = await runOperation(() =>
      consumer.consume({
        topics: [s.topic],
        mode: 'committed',
        fallbackMode: fromBeginning ? 'earliest' : 'latest',
        autocommit: false,
      }),
    )
    const failed = new Promise<unknown>((resolve) => stream.once('error', resolve))
    stream.on('data', (message: Message) => {
      if (control.isStopped()) return
      printer.print(toView(message, s))
      control.touch()
      toCommit.set(`${message.topic}:${message.partition}`, {
        topic: message.topic,
        partition: message.partition,
        offset: message.offset + 1n,
        leaderEpoch: message.leaderEpoch,
      })
      if (++printed >= s.maxMessages) control.stop('limit')
    })
    const outcome = await Promise.race([control.stopped, failed.then((e) => ({ error: e }))])
    control.stop('done')
    stream.pause()
    if (typeof outcome === 'object' && outcome !== null) throw (outcome as { error: unknown }).error
    if (toCommit.size > 0) await runOperation(() => consumer.commit({ offsets: [...toCommit.values()] }))
    await stream.close().catch(() => undefined)
    return printed
  } finally {
    await consumer.close(true).catch(() => undefined)
  }
}

export function run(argv: string[]): Promise<number> {
  return runCommand('consume', HELP, argv, async (args) => {
    const { values, positionals } = parseCommandArgs(args, {
      'from-beginning': { type: 'boolean', default: false },
      offset: { type: 'string' },
      partition: { type: 'string', short: 'p' },
      group: { type: 'string', short: 'g' },
      'max-messages': { type: 'string', short: 'n' },
      'timeout-ms': { type: 'string' },
      format: { type: 'string', short: 'F', default: 'value' },
      separator: { type: 'string', default: '\t' },
      'key-format': { type: 'string', default: 'text' },
      'value-format': { type: 'string', default: 'text' },
    })
    const [topic, ...extra] = positionals
    if (topic === undefined) throw new UsageError('consume needs a topic name')
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`)
    // --output json, which every command takes, means JSON lines here.
    const format = (values.output === 'json' ? 'json' : values.format) as Format
    if (!['value', 'key-value', 'json'].includes(format))
      throw new UsageError(`--format must be value, key-value or json, got '${values.format}'`)
    for (const f of ['key-format', 'value-format'] as const)
      if (!PAYLOAD_FORMATS.includes(values[f] as DecodeFormat))
        throw new UsageError(`--${f} must be one of ${PAYLOAD_FORMATS.join(', ')}, got '${values[f]}'`)
    const partition = parseIntArg('partition', values.partition, 0) ?? null
    let start: ConsumeSettings['start'] = { kind: values['from-beginning'] ? 'earliest' : 'latest' }
    if (values.offset !== undefined) {
      if (values['from-beginning']) throw new UsageError('use either --from-beginning or --offset')
      if (values.offset === 'earliest' || values.offset === 'latest') start = { kind: values.offset }
      else if (/^\d+$/.test(values.offset)) {
        if (partition === null) throw new UsageError('--offset <n> needs --partition')
        start = { kind: 'offset', offset: BigInt(values.offset) }
      } else throw new UsageError(`--offset must be earliest, latest or a number, got '${values.offset}'`)
    }
    if (values.group !== undefined && (partition !== null || values.offset !== undefined))
      throw new UsageError(
        '--group reads the partitions the group assigns, from its committed offsets: it cannot be combined with --partition or --offset',
      )
    const settings: ConsumeSettings = {
      topic,
      partition,
      start,
      maxMessages: parseIntArg('max-messages', values['max-messages'], 1, NO_LIMIT) ?? NO_LIMIT,
      keyFormat: values['key-format'] as DecodeFormat,
      valueFormat: values['value-format'] as DecodeFormat,
    }
    const timeoutMs = parseIntArg('timeout-ms', values['timeout-ms'], 1, NO_LIMIT)
    const printer = makePrinter(format, values.separator)
    const client = await clientFrom(values)
    const control = stopControl(timeoutMs)
    try {
      const printed =
        values.group === undefined
          ? await consumeDirect(client, settings, printer, control)
          : await consumeInGroup(
              client,
              values['sasl-password'] ?? process.env.STRATA_SASL_PASSWORD ?? null,
              values.group,
              settings,
              values['from-beginning'],
              printer,
              control,
            )
      process.stderr.write(`Processed a total of ${printed} message${printed === 1 ? '' : 's'}.\n`)
      return 0
    } finally {
      control.dispose()
      await client.close()
    }
  })
}
