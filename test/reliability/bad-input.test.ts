// The bad-input table (docs/bad-input.md), one test per row, over raw sockets against a real broker
// process. After the table, the broker must still answer a well-formed request.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ErrorCode } from '../../broker/protocol/errors.ts'
import { encodeApiVersionsRequest } from '../../broker/protocol/generated/api-versions-request.ts'
import { decodeApiVersionsResponse } from '../../broker/protocol/generated/api-versions-response.ts'
import { encodeCreateTopicsRequest } from '../../broker/protocol/generated/create-topics-request.ts'
import { decodeCreateTopicsResponse } from '../../broker/protocol/generated/create-topics-response.ts'
import { encodeFetchRequest } from '../../broker/protocol/generated/fetch-request.ts'
import { encodeMetadataRequest } from '../../broker/protocol/generated/metadata-request.ts'
import { encodeOffsetCommitRequest } from '../../broker/protocol/generated/offset-commit-request.ts'
import { decodeOffsetCommitResponse } from '../../broker/protocol/generated/offset-commit-response.ts'
import { encodeProduceRequest } from '../../broker/protocol/generated/produce-request.ts'
import { decodeProduceResponse } from '../../broker/protocol/generated/produce-response.ts'
import {
  BATCH_HEADER_SIZE,
  OFF_CRC,
  OFF_MAGIC,
  OFF_RECORD_COUNT,
  computeBatchCrc,
} from '../../broker/protocol/records/batch-header.ts'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'
import { RawClient } from '../helpers/raw-client.ts'
import { batch, call, createTopic, fetch, produce } from '../server/data-path-client.ts'

let broker: RunningBroker
let c: RawClient

beforeAll(async () => {
  broker = await startBroker({
    config: { 'max.connections': '5', 'auto.create.topics.enable': 'false' },
    logLevel: 'warn',
  })
  c = await RawClient.connect(broker.port)
  await createTopic(c, 'bad-in', 2)
  await createTopic(c, 'bad-small', 1, { 'max.message.bytes': '200' })
})
afterAll(async () => {
  c?.close()
  await broker?.stop()
})

/** What a connection did with a frame: answered it, or closed. */
async function outcome(client: RawClient): Promise<'closed' | Buffer> {
  return Promise.race([client.closed.then(() => 'closed' as const), client.next()])
}

/** Sends raw bytes on a fresh connection and reports whether the broker answered or closed it. */
async function rawOutcome(bytes: Buffer, end = false): Promise<'closed' | Buffer> {
  const x = await RawClient.connect(broker.port)
  try {
    x.send(bytes)
    if (end) x.socket.end()
    return await outcome(x)
  } finally {
    x.close()
  }
}

function sizePrefixed(payload: Buffer): Buffer {
  const size = Buffer.alloc(4)
  size.writeInt32BE(payload.length)
  return Buffer.concat([size, payload])
}

function apiVersionsFrame(version: number, correlationId = 1): Buffer {
  return RawClient.frame(18, version, correlationId, (w) =>
    encodeApiVersionsRequest(
      w,
      { clientSoftwareName: 'raw', clientSoftwareVersion: '1' },
      Math.min(version, 4),
    ),
  )
}

async function createTopicError(
  name: string,
  numPartitions = 1,
  replicationFactor = 1,
  configs: Record<string, string> = {},
): Promise<number> {
  const res = await call(
    c,
    19,
    7,
    (w) =>
      encodeCreateTopicsRequest(
        w,
        {
          topics: [
            {
              name,
              numPartitions,
              replicationFactor,
              configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })),
            },
          ],
          timeoutMs: 5000,
        },
        7,
      ),
    decodeCreateTopicsResponse,
  )
  return res.topics[0]?.errorCode ?? -1
}

function withCrc(buf: Buffer): Buffer {
  buf.writeUInt32BE(computeBatchCrc(buf, 0, buf.length), OFF_CRC)
  return buf
}

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return Number(m?.[1] ?? 0)
}

describe('framing', () => {
  it('1. oversized frame (2^31-1 bytes announced): connection closed before any allocation', async () => {
    const head = Buffer.alloc(4)
    head.writeInt32BE(0x7fffffff)
    expect(await rawOutcome(head)).toBe('closed')
    expect(rssKb(broker.child.pid as number)).toBeLessThan(1024 * 1024)
  })

  it('2. negative frame length: connection closed', async () => {
    expect(await rawOutcome(Buffer.from('ffffff9c', 'hex'))).toBe('closed')
  })

  it('3. truncated frame (prefix says 100, 10 bytes then EOF): no response, connection closed', async () => {
    expect(await rawOutcome(Buffer.concat([Buffer.from('00000064', 'hex'), Buffer.alloc(10)]), true)).toBe(
      'closed',
    )
  })

  it('4. frame too short for a request header (3 bytes): connection closed', async () => {
    expect(await rawOutcome(sizePrefixed(Buffer.from('001200', 'hex')))).toBe('closed')
  })

  it('5. unknown API key (999): connection closed', async () => {
    expect(await rawOutcome(RawClient.frame(999, 0, 1, () => {}))).toBe('closed')
  })

  it('6. unsupported version (Metadata v99): connection closed', async () => {
    const frame = sizePrefixed(Buffer.from('00030063000000010003726177', 'hex'))
    expect(await rawOutcome(frame)).toBe('closed')
  })

  it('7. unsupported ApiVersions version (v99): answered in v0 with UNSUPPORTED_VERSION and the API list', async () => {
    // Header v2 (a flexible ApiVersions version): client id, then an empty tagged-field section.
    const frame = sizePrefixed(Buffer.from('0012006300000007000372617700', 'hex'))
    const res = await rawOutcome(frame)
    expect(res).not.toBe('closed')
    const { correlationId, body } = RawClient.parse(res as Buffer, 18, 0)
    expect(correlationId).toBe(7)
    const decoded = decodeApiVersionsResponse(body, 0)
    expect(decoded.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION)
    expect(decoded.apiKeys.length).toBeGreaterThan(0)
  })

  it('8. garbage after a valid request inside its frame: the request is answered (trailing bytes ignored)', async () => {
    const valid = apiVersionsFrame(3).subarray(4)
    const res = await rawOutcome(sizePrefixed(Buffer.concat([valid, Buffer.from('deadbeefdeadbeef', 'hex')])))
    expect(res).not.toBe('closed')
    expect(decodeApiVersionsResponse(RawClient.parse(res as Buffer, 18, 3).body, 3).errorCode).toBe(0)
  })

  it('9. a garbage frame after a valid request: the request is answered, then the connection closed', async () => {
    const x = await RawClient.connect(broker.port)
    x.send(Buffer.concat([apiVersionsFrame(3), sizePrefixed(Buffer.from('ffffffffffffffffffff', 'hex'))]))
    expect(await outcome(x)).not.toBe('closed')
    await x.closed
  })

  it('10. undecodable body (Metadata v1 announcing 10^9 topics): connection closed', async () => {
    const frame = RawClient.frame(3, 1, 1, (w) => w.int32(1_000_000_000))
    expect(await rawOutcome(frame)).toBe('closed')
  })

  it('11. zero-length frame: connection closed', async () => {
    expect(await rawOutcome(Buffer.alloc(4))).toBe('closed')
  })
})

describe('topic administration', () => {
  it.each([
    ['12. empty topic name', ''],
    ['13. topic name "."', '.'],
    ['14. topic name ".."', '..'],
    ['15. 250-character topic name', 'x'.repeat(250)],
    ['16. illegal characters (a/b)', 'a/b'],
    ['17. illegal characters (space, unicode)', 'sp ace-é'],
  ])('%s: INVALID_TOPIC_EXCEPTION', async (_row, name) => {
    expect(await createTopicError(name)).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION)
  })

  it('18. a name colliding with an existing one through "." and "_": INVALID_TOPIC_EXCEPTION', async () => {
    expect(await createTopicError('coll.ide')).toBe(0)
    expect(await createTopicError('coll_ide')).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION)
  })

  it('19. negative partition count (-5): INVALID_PARTITIONS', async () => {
    expect(await createTopicError('neg-parts', -5)).toBe(ErrorCode.INVALID_PARTITIONS)
  })

  it('20. replication factor 3 on a one-broker cluster: INVALID_REPLICATION_FACTOR', async () => {
    expect(await createTopicError('rf3', 1, 3)).toBe(ErrorCode.INVALID_REPLICATION_FACTOR)
  })

  it('21. unknown config name: INVALID_CONFIG', async () => {
    expect(await createTopicError('badcfg1', 1, 1, { 'no.such.config': '1' })).toBe(ErrorCode.INVALID_CONFIG)
  })

  it('22. invalid config value (retention.ms=abc): INVALID_CONFIG', async () => {
    expect(await createTopicError('badcfg2', 1, 1, { 'retention.ms': 'abc' })).toBe(ErrorCode.INVALID_CONFIG)
  })

  it('23. existing topic: TOPIC_ALREADY_EXISTS', async () => {
    expect(await createTopicError('bad-in')).toBe(ErrorCode.TOPIC_ALREADY_EXISTS)
  })
})

describe('produce', () => {
  it('24. bad CRC: CORRUPT_MESSAGE, nothing written', async () => {
    const b = await batch(['x'])
    b[b.length - 1] = (b[b.length - 1] as number) ^ 0xff
    expect((await produce(c, 'bad-in', 0, b)).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE)
  })

  it('25. wrong magic (1, an old format): UNSUPPORTED_FOR_MESSAGE_FORMAT', async () => {
    const b = await batch(['x'])
    b[OFF_MAGIC] = 1
    expect((await produce(c, 'bad-in', 0, b)).errorCode).toBe(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT)
  })

  it('26. unknown magic (7): CORRUPT_MESSAGE', async () => {
    const b = await batch(['x'])
    b[OFF_MAGIC] = 7
    expect((await produce(c, 'bad-in', 0, b)).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE)
  })

  it('27. record count mismatch (header says 5, 2 records, CRC valid): INVALID_RECORD or CORRUPT_MESSAGE', async () => {
    const b = await batch(['x', 'y'])
    b.writeInt32BE(5, OFF_RECORD_COUNT)
    const code = (await produce(c, 'bad-in', 0, withCrc(b))).errorCode
    expect([ErrorCode.INVALID_RECORD, ErrorCode.CORRUPT_MESSAGE]).toContain(code)
  })

  it('28. compressed data that does not decompress (gzip, CRC valid): CORRUPT_MESSAGE, nothing stored', async () => {
    const b = await batch(['hello', 'world'], { compression: 'gzip' })
    b.fill(0x5a, BATCH_HEADER_SIZE)
    const before = (await produce(c, 'bad-in', 1, await batch(['before']))).baseOffset
    const res = await produce(c, 'bad-in', 1, withCrc(Buffer.from(b)))
    expect(res.errorCode).toBe(ErrorCode.CORRUPT_MESSAGE)
    const after = await produce(c, 'bad-in', 1, await batch(['after']))
    expect(after.errorCode).toBe(ErrorCode.NONE)
    expect(after.baseOffset).toBe(before + 1n)
  })

  it('29. message larger than max.message.bytes: MESSAGE_TOO_LARGE', async () => {
    const b = await batch(['x'.repeat(1000)])
    expect((await produce(c, 'bad-small', 0, b)).errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE)
  })

  it('30. acks=2: INVALID_REQUIRED_ACKS', async () => {
    expect((await produce(c, 'bad-in', 0, await batch(['x']), { acks: 2 })).errorCode).toBe(
      ErrorCode.INVALID_REQUIRED_ACKS,
    )
  })

  it('31. unknown topic (auto-create off): UNKNOWN_TOPIC_OR_PARTITION', async () => {
    expect((await produce(c, 'no-such-topic', 0, await batch(['x']))).errorCode).toBe(
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    )
  })

  it('32. partition out of range (7 of 2): UNKNOWN_TOPIC_OR_PARTITION', async () => {
    expect((await produce(c, 'bad-in', 7, await batch(['x']))).errorCode).toBe(
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    )
  })

  it('33. records field that is not a whole batch (truncated batch): CORRUPT_MESSAGE', async () => {
    const b = await batch(['x', 'y'])
    expect((await produce(c, 'bad-in', 0, b.subarray(0, b.length - 5))).errorCode).toBe(
      ErrorCode.CORRUPT_MESSAGE,
    )
  })

  it('34. none of the bad batches above were stored: partition 0 is still empty', async () => {
    const res = await fetch(c, {
      maxWaitMs: 0,
      topics: [
        { topic: 'bad-in', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] },
      ],
    })
    expect(res.responses[0]?.partitions[0]?.highWatermark).toBe(0n)
  })
})

describe('fetch and groups', () => {
  it('35. fetch at an offset out of range: OFFSET_OUT_OF_RANGE', async () => {
    const res = await fetch(c, {
      maxWaitMs: 0,
      topics: [
        { topic: 'bad-in', partitions: [{ partition: 1, fetchOffset: 1000n, partitionMaxBytes: 1 << 20 }] },
      ],
    })
    expect(res.responses[0]?.partitions[0]?.errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE)
  })

  it('36. offset commit with an unknown member and generation: rejected (UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION)', async () => {
    const commit = () =>
      call(
        c,
        8,
        8,
        (w) =>
          encodeOffsetCommitRequest(
            w,
            {
              groupId: 'no-group-gen',
              generationIdOrMemberEpoch: 42,
              memberId: 'ghost',
              topics: [{ name: 'bad-in', partitions: [{ partitionIndex: 0, committedOffset: 5n }] }],
            },
            8,
          ),
        decodeOffsetCommitResponse,
      )
    // A coordinator still loading __consumer_offsets answers COORDINATOR_LOAD_IN_PROGRESS; clients retry.
    let code = (await commit()).topics[0]?.partitions[0]?.errorCode
    for (let tries = 0; code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS && tries < 200; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      code = (await commit()).topics[0]?.partitions[0]?.errorCode
    }
    expect([
      ErrorCode.UNKNOWN_MEMBER_ID,
      ErrorCode.ILLEGAL_GENERATION,
      ErrorCode.GROUP_ID_NOT_FOUND,
    ]).toContain(code)
  })
})

describe('connections', () => {
  it('37. more than max.connections (5): the extra connections are closed, existing ones keep working', async () => {
    const extra: RawClient[] = []
    try {
      // The shared client `c` holds one of the five.
      for (let i = 0; i < 6; i++) extra.push(await RawClient.connect(broker.port))
      const outcomes = await Promise.all(
        extra.map(async (x, i) => {
          x.send(apiVersionsFrame(3, i))
          return (await outcome(x)) === 'closed' ? 'closed' : 'served'
        }),
      )
      expect(outcomes.filter((o) => o === 'served').length).toBe(4)
      expect(outcomes.filter((o) => o === 'closed').length).toBe(2)
      const res = await call(c, 18, 3, (w) => encodeApiVersionsRequest(w, {}, 3), decodeApiVersionsResponse)
      expect(res.errorCode).toBe(0)
    } finally {
      for (const x of extra) x.close()
    }
    // Slots are released once the extra connections close.
    await new Promise((r) => setTimeout(r, 200))
  })

  it('38. a slow client pipelining fetches and never reading: broker RSS stays bounded', async () => {
    await createTopic(c, 'bad-big', 1)
    const value = 'v'.repeat(100_000)
    for (let i = 0; i < 10; i++) {
      expect((await produce(c, 'bad-big', 0, await batch([value]))).errorCode).toBe(0)
    }
    const pid = broker.child.pid as number
    const before = rssKb(pid)
    const x = await RawClient.connect(broker.port)
    x.socket.pause()
    // Each fetch answers ~200 kB; 4000 of them would be ~800 MB if the broker buffered every response. The
    // broker stops reading at queued.max.requests (500) unanswered requests, so it holds at most ~100 MB.
    const one = RawClient.frame(1, 12, 1, (w) =>
      encodeFetchRequest(
        w,
        {
          maxWaitMs: 0,
          maxBytes: 256 << 10,
          topics: [
            {
              topic: 'bad-big',
              partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 256 << 10 }],
            },
          ],
        },
        12,
      ),
    )
    for (let i = 0; i < 80; i++) x.send(Buffer.concat(Array.from({ length: 50 }, () => one)))
    await new Promise((r) => setTimeout(r, 3000))
    const after = rssKb(pid)
    x.close()
    console.log(`slow client: broker RSS grew by ${Math.round((after - before) / 1024)} MB`)
    expect(after - before).toBeLessThan(350 * 1024)
  })
})

describe('after the table', () => {
  it('the broker still serves: Metadata answers and the process is alive', async () => {
    const res = await call(
      c,
      3,
      12,
      (w) => encodeMetadataRequest(w, { topics: null }, 12),
      (r, v) => {
        void r
        return v
      },
    )
    expect(res).toBe(12)
    expect(broker.child.exitCode).toBeNull()
  })

  it('produce still works on the partition the bad batches targeted', async () => {
    const res = await call(
      c,
      0,
      9,
      (w) =>
        encodeProduceRequest(
          w,
          {
            acks: -1,
            timeoutMs: 5000,
            topicData: [{ name: 'bad-in', partitionData: [{ index: 0, records: Buffer.alloc(0) }] }],
          },
          9,
        ),
      decodeProduceResponse,
    )
    expect(res.responses[0]?.partitionResponses[0]?.errorCode).not.toBe(ErrorCode.NONE)
    expect((await produce(c, 'bad-in', 0, await batch(['ok']))).errorCode).toBe(0)
  })
})
