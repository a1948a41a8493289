// Fetches answered from the read-buffer pool (broker/storage/read-buffers.ts): buffers go back to the pool
// once their response is written and serve other partitions' reads next, so concurrent consumers of
// different partitions must each still see exactly their own bytes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { iterateBatches } from '../../broker/protocol/records/batches.ts'
import { decodeRecords } from '../../broker/protocol/records/records.ts'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'
import { RawClient } from '../helpers/raw-client.ts'
import { batch, createTopic, fetch, produce } from './data-path-client.ts'

const PARTITIONS = 3
const BATCHES = 40
const PER_BATCH = 4
const VALUE_BYTES = 16 * 1024
/** Above the pool's 256 KiB minimum, and not a multiple of the batch size, so windows end mid-batch. */
const WINDOW = 300 * 1024

function valueOf(partition: number, offset: number): string {
  const head = `p${partition}o${offset}:`
  return head + String.fromCharCode(97 + ((partition * 7 + offset) % 26)).repeat(VALUE_BYTES - head.length)
}

let broker: RunningBroker

beforeAll(async () => {
  broker = await startBroker()
  const c = await RawClient.connect(broker.port)
  await createTopic(c, 'pooled', PARTITIONS)
  for (let p = 0; p < PARTITIONS; p++) {
    for (let b = 0; b < BATCHES; b++) {
      const values = Array.from({ length: PER_BATCH }, (_, i) => valueOf(p, b * PER_BATCH + i))
      await produce(c, 'pooled', p, await batch(values))
    }
  }
  c.close()
  // A restart empties the in-memory tail of appends: every fetch below reads the files (and reads ahead).
  broker = await broker.restart()
}, 60_000)
afterAll(async () => {
  await broker?.stop()
})

/** Reads partition `p` from offset 0 to its end in WINDOW-sized fetches; checks every record's value. */
async function readAll(c: RawClient, p: number): Promise<number> {
  let offset = 0n
  let seen = 0
  while (offset < BigInt(BATCHES * PER_BATCH)) {
    const res = await fetch(c, {
      maxWaitMs: 0,
      topics: [
        { topic: 'pooled', partitions: [{ partition: p, fetchOffset: offset, partitionMaxBytes: WINDOW }] },
      ],
    })
    const records = res.responses[0]?.partitions[0]?.records ?? Buffer.alloc(0)
    expect(records.length).toBeGreaterThan(0)
    for (const b of iterateBatches(records)) {
      expect(b.baseOffset).toBe(offset)
      for (const r of decodeRecords(b)) {
        const at = Number(b.baseOffset) + r.offsetDelta
        expect(r.value?.toString()).toBe(valueOf(p, at))
        seen++
      }
      offset = b.baseOffset + BigInt(b.lastOffsetDelta) + 1n
    }
  }
  return seen
}

describe('fetches from the read-buffer pool', () => {
  it('give every concurrent consumer its own partition bytes, round after round', async () => {
    const clients = await Promise.all(
      Array.from({ length: PARTITIONS }, () => RawClient.connect(broker.port)),
    )
    for (let round = 0; round < 3; round++) {
      const seen = await Promise.all(clients.map((c, p) => readAll(c, p)))
      expect(seen).toEqual(Array(PARTITIONS).fill(BATCHES * PER_BATCH))
    }
    for (const c of clients) c.close()
  })
})
