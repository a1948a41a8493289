// Idempotent producer state survives restarts of the real broker process: a retried batch that made it
// into the log is answered with its original offset after a clean restart (snapshot) and after SIGKILL
// (rebuilt from the log), and producer ids are never handed out twice.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ErrorCode } from '../../broker/protocol/errors.ts'
import { encodeInitProducerIdRequest } from '../../broker/protocol/generated/init-producer-id-request.ts'
import { decodeInitProducerIdResponse } from '../../broker/protocol/generated/init-producer-id-response.ts'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'
import { RawClient } from '../helpers/raw-client.ts'
import { batch, call, createTopic, fetch, produce } from './data-path-client.ts'

let broker: RunningBroker | undefined
let c: RawClient | undefined

afterAll(async () => {
  c?.close()
  await broker?.stop()
})

async function connect(b: RunningBroker): Promise<RawClient> {
  c?.close()
  c = await RawClient.connect(b.port)
  return c
}

async function initProducerId(client: RawClient): Promise<bigint> {
  const res = await call(
    client,
    22,
    4,
    (w) => encodeInitProducerIdRequest(w, { transactionalId: null, transactionTimeoutMs: 60_000 }, 4),
    decodeInitProducerIdResponse,
  )
  return res.producerId
}

async function highWatermark(client: RawClient, topic: string): Promise<bigint> {
  const res = await fetch(client, {
    maxWaitMs: 0,
    topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 }] }],
  })
  return res.responses[0]?.partitions[0]?.highWatermark ?? -1n
}

describe('idempotent producer state across restarts', () => {
  it('detects a retried batch after a clean restart and after SIGKILL', async () => {
    broker = await startBroker()
    let client = await connect(broker)
    await createTopic(client, 'idem', 1)
    const producerId = await initProducerId(client)
    const ids = { producerId, producerEpoch: 0 }
    const batches: Buffer[] = []
    for (let i = 0; i < 3; i++) batches.push(await batch([`a${i}`, `b${i}`], { ...ids, baseSequence: i * 2 }))
    for (const b of batches) expect((await produce(client, 'idem', 0, Buffer.from(b))).errorCode).toBe(0)

    // Clean restart: state comes from the snapshot written at shutdown.
    broker = await broker.restart()
    client = await connect(broker)
    expect(readdirSync(join(broker.dataDir, 'idem-0')).filter((f) => f.endsWith('.snapshot'))).toEqual([
      '00000000000000000006.snapshot',
    ])
    const last = batches[2] as Buffer
    expect(await produce(client, 'idem', 0, Buffer.from(last))).toMatchObject({
      errorCode: 0,
      baseOffset: 4n,
    })
    const next = await batch(['c'], { ...ids, baseSequence: 6 })
    expect(await produce(client, 'idem', 0, Buffer.from(next))).toMatchObject({
      errorCode: 0,
      baseOffset: 6n,
    })

    // SIGKILL: no new snapshot; the batch after the snapshot is replayed from the log.
    await broker.kill('SIGKILL')
    broker = await startBroker({ dataDir: broker.dataDir })
    client = await connect(broker)
    expect(await produce(client, 'idem', 0, Buffer.from(next))).toMatchObject({
      errorCode: 0,
      baseOffset: 6n,
    })
    expect(await highWatermark(client, 'idem')).toBe(7n)
    const gap = await produce(client, 'idem', 0, await batch(['x'], { ...ids, baseSequence: 9 }))
    expect(gap.errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)

    // Producer ids keep growing across restarts.
    expect(await initProducerId(client)).toBeGreaterThan(producerId)
  })

  it('rebuilds the last five batches from the log after SIGKILL with no snapshot at all', async () => {
    await broker?.stop()
    broker = await startBroker()
    let client = await connect(broker)
    await createTopic(client, 'idem2', 1)
    const producerId = await initProducerId(client)
    const batches: Buffer[] = []
    for (let i = 0; i < 7; i++)
      batches.push(await batch([`v${i}`], { producerId, producerEpoch: 0, baseSequence: i }))
    for (const b of batches) await produce(client, 'idem2', 0, Buffer.from(b))
    await broker.kill('SIGKILL')
    broker = await startBroker({ dataDir: broker.dataDir })
    client = await connect(broker)
    for (let i = 2; i < 7; i++) {
      expect(await produce(client, 'idem2', 0, Buffer.from(batches[i] as Buffer))).toMatchObject({
        errorCode: 0,
        baseOffset: BigInt(i),
      })
    }
    expect(await highWatermark(client, 'idem2')).toBe(7n)
  })
})
