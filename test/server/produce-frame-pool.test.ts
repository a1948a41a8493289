// Produce frames from the read-buffer pool (broker/server/framing.ts, broker/storage/read-buffers.ts): a
// large request is read into a pooled buffer, its records stay in the partition tails by reference, and
// the buffer is reused for a later request once the request is answered and no tail or fetch holds it.
// Pipelined multi-partition requests from several producers, with consumers fetching from the tails at
// the same time, must leave every record exactly as it was sent, in the answers and on disk.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeProduceRequest } from '../../broker/protocol/generated/produce-request.ts'
import {
  decodeProduceResponse,
  type ProduceResponse,
} from '../../broker/protocol/generated/produce-response.ts'
import { iterateBatches } from '../../broker/protocol/records/batches.ts'
import { decodeRecords } from '../../broker/protocol/records/records.ts'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'
import { RawClient } from '../helpers/raw-client.ts'
import { batch, createTopic, fetch } from './data-path-client.ts'

const PARTITIONS = 3
const PRODUCERS = 3
const REQUESTS = 12
/** Requests each producer sends before it reads their answers. */
const PIPELINE = 4
const PER_BATCH = 10
/** Two partitions of 10 x 16 KiB per request: frames of about 330 KiB, above the pool's 256 KiB minimum. */
const VALUE_BYTES = 16 * 1024
const PER_PARTITION = 2 * REQUESTS * PER_BATCH

function valueOf(producer: number, request: number, partition: number, i: number): string {
  const head = `c${producer}r${request}p${partition}i${i}:`
  const fill = String.fromCharCode(97 + ((producer * 31 + request * 7 + partition * 3 + i) % 26))
  return head + fill.repeat(VALUE_BYTES - head.length)
}

/** Checks a record's value against the one its header names; returns the header. */
function checked(partition: number, value: string | undefined): string {
  const m = /^c(\d+)r(\d+)p(\d+)i(\d+):/.exec(value ?? '')
  expect(m, `record without a header in partition ${partition}`).not.toBeNull()
  const [producer, request, p, i] = (m as RegExpExecArray).slice(1).map(Number) as [
    number,
    number,
    number,
    number,
  ]
  expect(p).toBe(partition)
  expect(
    value === valueOf(producer, request, p, i),
    `record ${m?.[0]} of partition ${partition} changed`,
  ).toBe(true)
  return (m as RegExpExecArray)[0]
}

let broker: RunningBroker

beforeAll(async () => {
  broker = await startBroker()
  const c = await RawClient.connect(broker.port)
  await createTopic(c, 'framepool', PARTITIONS)
  c.close()
})
afterAll(async () => {
  await broker?.stop()
})

/** Sends producer `n`'s requests, PIPELINE at a time: partitions n and n+1, and one that does not exist. */
async function runProducer(n: number): Promise<void> {
  const c = await RawClient.connect(broker.port)
  const parts = [n % PARTITIONS, (n + 1) % PARTITIONS]
  for (let first = 0; first < REQUESTS; first += PIPELINE) {
    const ids: number[] = []
    for (let r = first; r < first + PIPELINE; r++) {
      const partitionData = await Promise.all(
        parts.map(async (p) => ({
          index: p,
          records: await batch(Array.from({ length: PER_BATCH }, (_, i) => valueOf(n, r, p, i))),
        })),
      )
      partitionData.push({ index: 99, records: await batch(['nowhere']) })
      const id = 50_000 + n * 1000 + r
      ids.push(id)
      c.send(
        RawClient.frame(0, 9, id, (w) =>
          encodeProduceRequest(
            w,
            { acks: 1, timeoutMs: 5000, topicData: [{ name: 'framepool', partitionData }] },
            9,
          ),
        ),
      )
    }
    for (const id of ids) {
      const res = RawClient.parse(await c.next(), 0, 9)
      expect(res.correlationId).toBe(id)
      const body: ProduceResponse = decodeProduceResponse(res.body, 9)
      const codes = body.responses[0]?.partitionResponses.map((p) => [p.index, p.errorCode])
      expect(codes).toEqual([...parts.map((p) => [p, 0]), [99, 3]])
    }
  }
  c.close()
}

/** Reads partition `p` from offset 0 until it has every record, checking each; waits at the end for more. */
async function readPartition(p: number, maxWaitMs: number): Promise<Set<string>> {
  const c = await RawClient.connect(broker.port)
  const seen = new Set<string>()
  let offset = 0n
  while (seen.size < PER_PARTITION) {
    const res = await fetch(c, {
      maxWaitMs,
      minBytes: 1,
      topics: [
        {
          topic: 'framepool',
          partitions: [{ partition: p, fetchOffset: offset, partitionMaxBytes: 200 * 1024 }],
        },
      ],
    })
    const part = res.responses[0]?.partitions[0]
    expect(part?.errorCode).toBe(0)
    for (const b of iterateBatches(part?.records ?? Buffer.alloc(0))) {
      expect(b.baseOffset).toBe(offset)
      for (const r of decodeRecords(b)) {
        const head = checked(p, r.value?.toString())
        expect(seen.has(head), `${head} twice`).toBe(false)
        seen.add(head)
      }
      offset = b.baseOffset + BigInt(b.lastOffsetDelta) + 1n
    }
  }
  c.close()
  return seen
}

describe('produce frames from the read-buffer pool', () => {
  it('keep every record intact while consumers fetch from the tails and frames are reused', async () => {
    const reading = Array.from({ length: PARTITIONS }, (_, p) => readPartition(p, 100))
    await Promise.all(Array.from({ length: PRODUCERS }, (_, n) => runProducer(n)))
    const live = await Promise.all(reading)
    expect(live.map((s) => s.size)).toEqual(Array(PARTITIONS).fill(PER_PARTITION))
    // On disk too: after a restart every fetch reads the files.
    broker = await broker.restart()
    const stored = await Promise.all(Array.from({ length: PARTITIONS }, (_, p) => readPartition(p, 0)))
    expect(stored.map((s) => s.size)).toEqual(Array(PARTITIONS).fill(PER_PARTITION))
  }, 60_000)
})
