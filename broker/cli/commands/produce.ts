// `strata produce TOPIC`: one record per input line from stdin or a file, like kafka-console-producer.sh
// (parse.key / key.separator), or JSON lines with key, value, headers and partition per record. Records go
// out in batches of up to --batch-size, one send in flight, so a large file streams in bounded memory.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import type { MessageToProduce } from '@platformatic/kafka'
import type { ClusterClient } from '../../client/cluster-client.ts'
import { encodePayload } from '../../client/decode.ts'
import { AdminError } from '../../client/errors.ts'
import { run as runOperation } from '../../client/run.ts'
import { topicPartitionCount } from '../../client/topics.ts'
import type { DecodeFormat, ProduceSpec } from '../../client/types.ts'
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
import { note, writeJson } from '../output.ts'
import { Progress } from '../progress.ts'

const HELP = `usage: strata produce TOPIC [options]

Sends one record per line of stdin (or --file). Prints a summary on stderr (--output json: on stdout).

options:
  -f, --file <path>             read lines from a file instead of stdin
  -K, --key-separator <sep>     split each line at the first <sep> into key and value
  -H, --header <k=v>            add a header to every record (repeatable)
  -p, --partition <n>           send every record to this partition (default: hash of the key)
  -z, --compression <codec>     none, gzip, snappy, lz4 or zstd (default none)
  --acks <all|1|0>              acknowledgements to wait for (default all)
  --input-format <text|json>    json: each line is {"key", "value", "headers": {k: v}, "partition"}
                                (strings, or any JSON value, which is sent as its JSON text)
  --value-format <text|hex|base64>  how line values are encoded (default text); --key-format likewise
  --batch-size <n>              records per produce request (default 500)

examples:
  echo hello | strata produce greetings
  strata produce orders --key-separator : --file orders.txt --compression zstd
  strata produce events --input-format json < events.jsonl
  printf 'k1\\tv1\\n' | strata produce t --key-separator $'\\t' --header source=cli --acks 1

${CONNECTION_HELP}
`

type Compression = ProduceSpec['compression']
const COMPRESSIONS: Compression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd']
const ACKS: Record<string, number> = { all: -1, '-1': -1, '1': 1, '0': 0 }
const FORMATS: DecodeFormat[] = ['text', 'hex', 'base64']

interface Options {
  topic: string
  keySeparator: string | null
  headers: Map<Buffer, Buffer>
  partition: number | null
  json: boolean
  keyFormat: DecodeFormat
  valueFormat: DecodeFormat
  /** The topic's partition count, once known. */
  partitionCount: number
}

function fail(lineNo: number, reason: string): never {
  throw new AdminError('invalid-argument', `line ${lineNo}: ${reason}`)
}

function payloadOf(v: unknown, format: DecodeFormat, what: string, lineNo: number): Buffer | undefined {
  if (v === null || v === undefined) return undefined
  const text = typeof v === 'string' ? v : JSON.stringify(v)
  try {
    return encodePayload({ text, format }, what)
  } catch (error) {
    fail(lineNo, (error as Error).message)
  }
}

function fromJsonLine(line: string, lineNo: number, o: Options): MessageToProduce {
  let parsed: unknown
  try {
    parsed = JSON.parse(line)
  } catch (error) {
    fail(lineNo, `not valid JSON: ${(error as Error).message}`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    fail(lineNo, 'expected a JSON object with "value" (and optionally "key", "headers", "partition")')
  const rec = parsed as { key?: unknown; value?: unknown; headers?: unknown; partition?: unknown }
  const headers = new Map(o.headers)
  if (rec.headers !== undefined && rec.headers !== null) {
    if (typeof rec.headers !== 'object' || Array.isArray(rec.headers))
      fail(lineNo, '"headers" must be an object')
    for (const [k, v] of Object.entries(rec.headers as Record<string, unknown>))
      headers.set(Buffer.from(k), Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)))
  }
  let partition = o.partition
  if (rec.partition !== undefined && rec.partition !== null) {
    if (!Number.isInteger(rec.partition) || (rec.partition as number) < 0)
      fail(lineNo, '"partition" must be a non-negative integer')
    partition = rec.partition as number
    if (partition >= o.partitionCount)
      fail(lineNo, `topic ${o.topic} has no partition ${partition} (it has ${o.partitionCount})`)
  }
  const key = payloadOf(rec.key, o.keyFormat, 'key', lineNo)
  const value = payloadOf(rec.value, o.valueFormat, 'value', lineNo)
  return {
    topic: o.topic,
    ...(key ? { key } : {}),
    ...(value ? { value } : {}),
    ...(partition === null ? {} : { partition }),
    headers,
  }
}

function fromTextLine(line: string, lineNo: number, o: Options): MessageToProduce {
  let key: Buffer | undefined
  let valueText = line
  if (o.keySeparator !== null) {
    const at = line.indexOf(o.keySeparator)
    if (at < 0) fail(lineNo, `no key separator '${o.keySeparator}' found`)
    key = payloadOf(line.slice(0, at), o.keyFormat, 'key', lineNo)
    valueText = line.slice(at + o.keySeparator.length)
  }
  const value = payloadOf(valueText, o.valueFormat, 'value', lineNo)
  return {
    topic: o.topic,
    ...(key ? { key } : {}),
    ...(value ? { value } : {}),
    ...(o.partition === null ? {} : { partition: o.partition }),
    headers: o.headers,
  }
}

/** Checks the topic (and partition) up front, so a typo fails at once instead of after retries. */
function topicPartitions(client: ClusterClient, topic: string): Promise<number> {
  return runOperation(() => topicPartitionCount(client, topic))
}

export function run(argv: string[]): Promise<number> {
  return runCommand('produce', HELP, argv, async (args) => {
    const { values, positionals } = parseCommandArgs(args, {
      file: { type: 'string', short: 'f' },
      'key-separator': { type: 'string', short: 'K' },
      header: { type: 'string', short: 'H', multiple: true },
      partition: { type: 'string', short: 'p' },
      compression: { type: 'string', short: 'z', default: 'none' },
      acks: { type: 'string', default: 'all' },
      'input-format': { type: 'string', default: 'text' },
      'key-format': { type: 'string', default: 'text' },
      'value-format': { type: 'string', default: 'text' },
      'batch-size': { type: 'string', default: '500' },
    })
    const mode = outputMode(values)
    const [topic, ...extra] = positionals
    if (topic === undefined) throw new UsageError('produce needs a topic name')
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`)
    const compression = values.compression as Compression
    if (!COMPRESSIONS.includes(compression))
      throw new UsageError(
        `--compression must be one of ${COMPRESSIONS.join(', ')}, got '${values.compression}'`,
      )
    const acks = ACKS[values.acks]
    if (acks === undefined) throw new UsageError(`--acks must be all, 1 or 0, got '${values.acks}'`)
    const inputFormat = values['input-format']
    if (inputFormat !== 'text' && inputFormat !== 'json')
      throw new UsageError(`--input-format must be text or json, got '${inputFormat}'`)
    for (const f of ['key-format', 'value-format'] as const)
      if (!FORMATS.includes(values[f] as DecodeFormat))
        throw new UsageError(`--${f} must be one of ${FORMATS.join(', ')}, got '${values[f]}'`)
    if (values['key-separator'] === '') throw new UsageError('--key-separator must not be empty')
    const batchSize = parseIntArg('batch-size', values['batch-size'], 1, 100_000) as number
    const options: Options = {
      topic,
      keySeparator: values['key-separator'] ?? null,
      headers: new Map(
        Object.entries(parseKeyValues('header', values.header)).map(([k, v]) => [
          Buffer.from(k),
          Buffer.from(v),
        ]),
      ),
      partition: parseIntArg('partition', values.partition, 0) ?? null,
      json: inputFormat === 'json',
      keyFormat: values['key-format'] as DecodeFormat,
      valueFormat: values['value-format'] as DecodeFormat,
      partitionCount: 0,
    }

    let input: Readable = process.stdin
    let fileBytes: number | null = null
    if (values.file !== undefined) {
      const stream = createReadStream(values.file)
      await new Promise<void>((resolve, reject) => {
        stream.once('open', () => resolve())
        stream.once('error', (error) =>
          reject(new AdminError('invalid-argument', `cannot read ${values.file}: ${error.message}`)),
        )
      })
      input = stream
      fileBytes = (await stat(values.file)).size
    }

    return withClient(values, async (client) => {
      options.partitionCount = await topicPartitions(client, topic)
      if (options.partition !== null && options.partition >= options.partitionCount)
        throw new AdminError(
          'not-found',
          `Topic ${topic} has no partition ${options.partition} (it has ${options.partitionCount}).`,
        )
      // From a file the progress is the share of its bytes read; from stdin, the records sent.
      const progress = new Progress(`producing to ${topic}`, {
        total: fileBytes,
        unit: fileBytes === null ? 'records' : 'bytes',
      })
      const touched = new Set<number>()
      let sent = 0
      let bytesRead = 0
      const send = async (messages: MessageToProduce[]): Promise<void> => {
        const result = await runOperation(() =>
          client.producer.send({ messages, acks, compression, autocreateTopics: false }),
        )
        for (const o of result.offsets ?? []) touched.add(o.partition)
        sent += messages.length
        progress.update(fileBytes === null ? sent : bytesRead)
      }

      let batch: MessageToProduce[] = []
      let lineNo = 0
      const lines = createInterface({ input, crlfDelay: Infinity })
      try {
        for await (const line of lines) {
          lineNo++
          if (fileBytes !== null) bytesRead += Buffer.byteLength(line) + 1
          if (options.json && line.trim() === '') continue
          batch.push(options.json ? fromJsonLine(line, lineNo, options) : fromTextLine(line, lineNo, options))
          if (batch.length >= batchSize) {
            const full = batch
            batch = []
            await send(full)
          }
        }
        if (batch.length > 0) await send(batch)
      } finally {
        progress.done()
        lines.close()
      }

      const summary = {
        topic,
        records: sent,
        acks: values.acks,
        partitions: [...touched].sort((a, b) => a - b),
      }
      if (mode === 'json') writeJson(summary)
      else note(`Produced ${sent} record${sent === 1 ? '' : 's'} to ${topic}.`)
      return 0
    })
  })
}
