// Interop with a real client's encoder: kafkajs 2.2.4 builds record batches in-process (the same code its
// producer uses for Produce v3+), so no broker is needed. kafkajs supports none and gzip natively.
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { iterateBatches, validateBatch } from '../../../broker/protocol/records/batches.ts'
import { buildRecordBatch } from '../../../broker/protocol/records/builder.ts'
import { readBatchRecords } from '../../../broker/protocol/records/records.ts'

const require = createRequire(import.meta.url)

interface KafkajsEncoder {
  buffer: Buffer
}
interface KafkajsRecordInput {
  key: Buffer | null
  value: Buffer | null
  headers?: { [key: string]: Buffer | string | (Buffer | string)[] }
  offsetDelta: number
  timestampDelta: number
}
interface KafkajsDecodedRecord {
  key: Buffer | null
  value: Buffer | null
  headers: { [key: string]: Buffer | Buffer[] }
  offset: string
  timestamp: string
}

const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch: (opts: {
    compression: number
    records: KafkajsEncoder[]
    firstTimestamp: number
    maxTimestamp: number
    producerId: unknown
    producerEpoch: number
    firstSequence: number
    lastOffsetDelta: number
    transactional: boolean
  }) => Promise<KafkajsEncoder>
}
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (
  r: KafkajsRecordInput,
) => KafkajsEncoder
const decodeKafkajsBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (
  d: unknown,
) => Promise<{ records: KafkajsDecodedRecord[] }>
const Decoder = require('kafkajs/src/protocol/decoder') as new (buf: Buffer) => unknown
const Long = require('kafkajs/src/utils/long') as { fromValue: (v: string | number) => unknown }
const { Types } = require('kafkajs/src/protocol/message/compression') as {
  Types: { None: number; GZIP: number }
}

const CODECS = [
  ['none', Types.None],
  ['gzip', Types.GZIP],
] as const

const BASE_TS = 1_700_000_000_000

/** What kafkajs's producer passes for each message (see produce/v3/request.js). */
interface Message {
  key: Buffer | null
  value: Buffer | null
  headers: { [key: string]: string | string[] }
  ts: number
}

const MESSAGES: Message[] = [
  {
    key: Buffer.from('k1'),
    value: Buffer.from('hello'),
    headers: { trace: 'abc', multi: ['1', '2'] },
    ts: BASE_TS,
  },
  { key: null, value: Buffer.from('no key'), headers: {}, ts: BASE_TS + 7 },
  { key: Buffer.from('k1'), value: null, headers: {}, ts: BASE_TS + 3 },
  { key: Buffer.from(''), value: Buffer.alloc(5000, 0x61), headers: { empty: '' }, ts: BASE_TS + 1 },
]

async function kafkajsBatch(compression: number): Promise<Buffer> {
  const records = MESSAGES.map((m, i) =>
    Record({
      key: m.key,
      value: m.value,
      headers: m.headers,
      offsetDelta: i,
      timestampDelta: m.ts - BASE_TS,
    }),
  )
  const batch = await RecordBatch({
    compression,
    records,
    firstTimestamp: BASE_TS,
    maxTimestamp: BASE_TS + 7,
    producerId: Long.fromValue(1234),
    producerEpoch: 1,
    firstSequence: 20,
    lastOffsetDelta: records.length - 1,
    transactional: false,
  })
  return batch.buffer
}

describe.each(CODECS)('a kafkajs-encoded %s batch', (name, codec) => {
  it('validates and decodes', async () => {
    const buf = await kafkajsBatch(codec)
    const views = [...iterateBatches(buf)]
    expect(views).toHaveLength(1)
    expect(views[0]!.compression).toBe(name)
    expect(validateBatch(buf, 0, buf.length)).toBeNull()
    const { header, records } = await readBatchRecords(buf, 0, buf.length)
    expect(header).toMatchObject({ producerId: 1234n, producerEpoch: 1, baseSequence: 20, recordCount: 4 })
    expect(records.map((r) => [r.key?.toString() ?? null, r.value?.toString() ?? null])).toEqual(
      MESSAGES.map((m) => [m.key?.toString() ?? null, m.value?.toString() ?? null]),
    )
    expect(records.map((r) => r.timestamp)).toEqual(MESSAGES.map((m) => BigInt(m.ts)))
    expect(records[0]!.headers.map((h) => [h.key, h.value?.toString()])).toEqual([
      ['trace', 'abc'],
      ['multi', '1'],
      ['multi', '2'],
    ])
    expect(records[3]!.headers).toEqual([{ key: 'empty', value: Buffer.alloc(0) }])
  })
})

describe.each(CODECS)('a Strata-built %s batch', (name) => {
  it('decodes in kafkajs', async () => {
    const buf = await buildRecordBatch({
      baseOffset: 77n,
      compression: name,
      records: MESSAGES.map((m) => ({
        key: m.key,
        value: m.value,
        timestamp: m.ts,
        headers: Object.entries(m.headers).flatMap(([key, v]) =>
          (Array.isArray(v) ? v : [v]).map((value) => ({ key, value })),
        ),
      })),
    })
    const { records } = await decodeKafkajsBatch(new Decoder(buf))
    expect(
      records.map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null, r.value?.toString() ?? null]),
    ).toEqual(
      MESSAGES.map((m, i) => [
        String(77 + i),
        String(m.ts),
        m.key?.toString() ?? null,
        m.value?.toString() ?? null,
      ]),
    )
    expect(records[0]!.headers.trace!.toString()).toBe('abc')
  })
})
