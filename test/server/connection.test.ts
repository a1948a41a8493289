// The broker's framing and connection rules, over raw sockets against the real broker process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeApiVersionsResponse } from '../../broker/protocol/generated/api-versions-response.ts'
import { encodeApiVersionsRequest } from '../../broker/protocol/generated/api-versions-request.ts'
import { encodeMetadataRequest } from '../../broker/protocol/generated/metadata-request.ts'
import { decodeMetadataResponse } from '../../broker/protocol/generated/metadata-response.ts'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'
import { RawClient } from '../helpers/raw-client.ts'

let broker: RunningBroker

beforeAll(async () => {
  broker = await startBroker({ config: { 'socket.request.max.bytes': '1048576' } })
})
afterAll(async () => {
  await broker?.stop()
})

function apiVersions(correlationId: number, version = 3): Buffer {
  return RawClient.frame(18, version, correlationId, (w) =>
    encodeApiVersionsRequest(w, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' }, version),
  )
}

async function stillServes(): Promise<void> {
  const c = await RawClient.connect(broker.port)
  c.send(apiVersions(1))
  const res = RawClient.parse(await c.next(), 18, 3)
  expect(res.correlationId).toBe(1)
  c.close()
}

describe('connection', () => {
  it('answers pipelined requests in request order', async () => {
    const c = await RawClient.connect(broker.port)
    const frames: Buffer[] = []
    for (let i = 0; i < 20; i++) {
      // Alternate a slow-ish request (Metadata with auto-creation) with a fast one (ApiVersions).
      frames.push(
        i % 2 === 0
          ? RawClient.frame(3, 12, 100 + i, (w) =>
              encodeMetadataRequest(w, { topics: [{ name: `pipe-${i}` }], allowAutoTopicCreation: true }, 12),
            )
          : apiVersions(100 + i),
      )
    }
    c.send(Buffer.concat(frames))
    for (let i = 0; i < 20; i++) {
      const frame = await c.next()
      const key = i % 2 === 0 ? 3 : 18
      const res = RawClient.parse(frame, key, key === 3 ? 12 : 3)
      expect(res.correlationId).toBe(100 + i)
      if (key === 3) expect(decodeMetadataResponse(res.body, 12).topics[0]?.name).toBe(`pipe-${i}`)
    }
    c.close()
  })

  it('answers an unsupported ApiVersions version with a v0 response and UNSUPPORTED_VERSION', async () => {
    const c = await RawClient.connect(broker.port)
    // A v99 body is unknown to the broker: send just the header, as a newer client's would be unreadable.
    c.send(RawClient.frame(18, 99, 7, () => {}))
    const res = RawClient.parse(await c.next(), 18, 0)
    expect(res.correlationId).toBe(7)
    const body = decodeApiVersionsResponse(res.body, 0)
    expect(body.errorCode).toBe(35)
    expect(body.apiKeys.find((k) => k.apiKey === 18)).toMatchObject({ minVersion: 0, maxVersion: 4 })
    c.close()
  })

  it('closes the connection for an unknown API key', async () => {
    const c = await RawClient.connect(broker.port)
    c.send(RawClient.frame(9999, 0, 1, () => {}))
    await c.closed
    await stillServes()
  })

  it('closes the connection for an unsupported version of another API', async () => {
    const c = await RawClient.connect(broker.port)
    c.send(RawClient.frame(3, 99, 1, () => {}))
    await c.closed
  })

  it('closes a connection whose frame exceeds socket.request.max.bytes, before reading it', async () => {
    const c = await RawClient.connect(broker.port)
    const size = Buffer.alloc(4)
    size.writeInt32BE(1048577)
    c.send(size)
    await c.closed
    await stillServes()
  })

  it('closes a connection with a negative frame size', async () => {
    const c = await RawClient.connect(broker.port)
    const size = Buffer.alloc(4)
    size.writeInt32BE(-5)
    c.send(size)
    await c.closed
  })

  it('closes only the connection that sends a garbage header', async () => {
    const good = await RawClient.connect(broker.port)
    const bad = await RawClient.connect(broker.port)
    const garbage = Buffer.from([0, 0, 0, 3, 1, 2, 3])
    bad.send(garbage)
    await bad.closed
    good.send(apiVersions(5))
    expect(RawClient.parse(await good.next(), 18, 3).correlationId).toBe(5)
    good.close()
  })

  it('closes the connection on a malformed body', async () => {
    const c = await RawClient.connect(broker.port)
    // Metadata v12 with a topic array claiming 1000 elements and no bytes behind it.
    c.send(RawClient.frame(3, 12, 1, (w) => w.unsignedVarint(1001)))
    await c.closed
    await stillServes()
  })

  it('serves frames split into single bytes', async () => {
    const c = await RawClient.connect(broker.port)
    const f = apiVersions(42)
    for (const b of f) c.send(Buffer.from([b]))
    expect(RawClient.parse(await c.next(), 18, 3).correlationId).toBe(42)
    c.close()
  })
})

describe('limits', () => {
  it('pauses a client that does not read and still answers everything in order', async () => {
    const c = await RawClient.connect(broker.port)
    const n = 1500
    const frames: Buffer[] = []
    for (let i = 0; i < n; i++) frames.push(apiVersions(i))
    // More requests than queued.max.requests (500) in flight: the broker stops reading, then resumes.
    c.send(Buffer.concat(frames))
    for (let i = 0; i < n; i++) {
      expect(RawClient.parse(await c.next(), 18, 3).correlationId).toBe(i)
    }
    c.close()
  })

  it('refuses connections above max.connections', async () => {
    const small = await startBroker({ config: { 'max.connections': '2' } })
    try {
      const a = await RawClient.connect(small.port)
      const b = await RawClient.connect(small.port)
      a.send(apiVersions(1))
      await a.next()
      b.send(apiVersions(1))
      await b.next()
      const c = await RawClient.connect(small.port)
      await c.closed
      a.close()
      await a.closed
      // A slot is free again once a connection has gone (the broker notices its close).
      for (;;) {
        const d = await RawClient.connect(small.port)
        d.send(apiVersions(9))
        const got = await Promise.race([d.next().then(() => true), d.closed.then(() => false)])
        d.close()
        if (got) break
      }
      b.close()
    } finally {
      await small.stop()
    }
  })
})
