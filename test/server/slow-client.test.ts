// A client that pipelines thousands of Fetch requests and never reads its socket: the broker must stop
// dispatching them once the connection is congested instead of building every answer (issue 7). Checked
// by the broker process's resident memory while the client sits there, and by the broker still serving
// another connection.
import fs from 'node:fs'
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeFetchRequest } from '../../broker/protocol/generated/fetch-request.ts'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'
import { RawClient } from '../helpers/raw-client.ts'
import { batch, createTopic, fetch, produce } from './data-path-client.ts'

let broker: RunningBroker

beforeAll(async () => {
  broker = await startBroker()
})
afterAll(async () => {
  await broker?.stop()
})

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) * 1024 : 0
}

describe('a client that never reads', () => {
  it.skipIf(process.platform !== 'linux')('keeps the broker memory bounded', async () => {
    const admin = await RawClient.connect(broker.port)
    await createTopic(admin, 'slow', 1)
    const values = Array.from({ length: 200 }, (_, i) => `${i}`.padEnd(4096, 'v'))
    for (let i = 0; i < 2; i++)
      expect((await produce(admin, 'slow', 0, await batch(values))).errorCode).toBe(0)

    const pid = broker.child.pid as number
    const before = rssBytes(pid)
    const oneFetch = RawClient.frame(1, 12, 1, (w) =>
      encodeFetchRequest(
        w,
        {
          replicaId: -1,
          maxWaitMs: 0,
          minBytes: 1,
          maxBytes: 1 << 20,
          topics: [
            { topic: 'slow', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] },
          ],
        },
        12,
      ),
    )
    // 3000 requests of ~1.6 MB answers each: ~5 GB if the broker built them all.
    const slow = net.connect({ port: broker.port, host: '127.0.0.1' })
    await new Promise<void>((resolve) => slow.once('connect', () => resolve()))
    slow.pause()
    slow.on('error', () => {})
    slow.write(Buffer.concat(Array.from({ length: 3000 }, () => oneFetch)))

    let peak = before
    for (let i = 0; i < 30; i++) {
      await new Promise((r) => setTimeout(r, 100))
      peak = Math.max(peak, rssBytes(pid))
    }
    const grown = peak - before
    console.log(`broker RSS grew ${(grown / 2 ** 20).toFixed(0)} MiB while the client did not read`)
    expect(grown).toBeLessThan(150 * 2 ** 20)

    // The broker still serves others.
    const res = await fetch(admin, {
      maxWaitMs: 0,
      topics: [{ topic: 'slow', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1024 }] }],
    })
    expect(res.responses[0]?.partitions[0]?.highWatermark).toBe(400n)
    slow.destroy()
    admin.close()
  })
})
