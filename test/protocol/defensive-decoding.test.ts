// Bad frames make the generated decoders throw ProtocolError: never another error, a hang, or a huge
// allocation.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeMetadataRequest } from '../../broker/protocol/generated/metadata-request.ts'
import { decodeProduceRequest } from '../../broker/protocol/generated/produce-request.ts'
import { MESSAGE_META } from '../../broker/protocol/generated/schema-meta.ts'
import { ProtocolError } from '../../broker/protocol/primitives/errors.ts'
import { Reader } from '../../broker/protocol/primitives/reader.ts'
import { Writer } from '../../broker/protocol/primitives/writer.ts'
import { MessageArbitraries, loadCodec, type MessageCodec } from './arbitraries.ts'

function decodeOutcome(codec: MessageCodec, bytes: Buffer, v: number): 'ok' | ProtocolError['code'] {
  try {
    codec.decode(new Reader(bytes), v)
    return 'ok'
  } catch (e) {
    if (e instanceof ProtocolError) return e.code
    throw e
  }
}

describe('generated decoders on bad input', () => {
  it('refuse a huge array count before allocating (Metadata v1 topics = 1e9, 10 bytes left)', () => {
    const frame = Buffer.concat([Buffer.from('3b9aca00', 'hex'), Buffer.alloc(10)])
    expect(() => decodeMetadataRequest(new Reader(frame), 1)).toThrow(ProtocolError)
    const generous = { maxArrayLength: 2e9, maxStringBytes: 1 << 20, maxBytesLength: 1 << 30 }
    let err: unknown
    try {
      decodeMetadataRequest(new Reader(frame, 0, frame.length, generous), 1)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ProtocolError)
    expect((err as ProtocolError).code).toBe('truncated')
  })

  it('refuse a records length beyond the frame', () => {
    // Produce v3: null transactional id, acks, timeout, one topic "t", one partition, records of 2^31-1 bytes.
    const frame = Buffer.from(
      'ffff 0001 00000064 00000001 0001 74 00000001 00000000 7fffffff 00'.replace(/ /g, ''),
      'hex',
    )
    expect(() => decodeProduceRequest(new Reader(frame), 3)).toThrow(/need 2147483647 bytes/)
  })

  it('refuse unsupported versions with a typed error', () => {
    let err: unknown
    try {
      decodeProduceRequest(new Reader(Buffer.alloc(0)), 99)
    } catch (e) {
      err = e
    }
    expect((err as ProtocolError).code).toBe('unsupported-version')
  })

  // A sample of messages with deep nesting, tagged fields and records; every strict prefix of a valid
  // encoding must fail as truncated, and random corruption must fail only with ProtocolError.
  const names = [
    'ProduceRequest',
    'FetchRequest',
    'FetchResponse',
    'MetadataResponse',
    'ApiVersionsResponse',
    'JoinGroupRequest',
    'ConsumerGroupHeartbeatResponse',
    'DescribeTopicPartitionsRequest',
    'PartitionChangeRecord',
    'ConsumerGroupMemberMetadataValue',
  ]
  it.each(names)('%s: truncated and corrupted frames fail cleanly', async (name) => {
    const m = MESSAGE_META.find((x) => x.name === name)
    if (m === undefined) throw new Error(`no ${name}`)
    const codec = await loadCodec(m)
    const arbs = new MessageArbitraries(m)
    for (let v = m.minVersion; v <= m.maxVersion; v++) {
      fc.assert(
        fc.property(
          arbs.message(v),
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
          (x, flips) => {
            const w = new Writer()
            codec.encode(w, x, v)
            const bytes = w.toBuffer()
            // Every cut for small frames; about 100 evenly spread cuts for large ones.
            const step = Math.max(1, Math.floor(bytes.length / 100))
            for (let cut = 0; cut < bytes.length; cut += step) {
              expect(decodeOutcome(codec, bytes.subarray(0, cut), v)).toBe('truncated')
            }
            const bad = Buffer.from(bytes)
            for (const [at, value] of flips) if (bad.length > 0) bad[at % bad.length] = value
            decodeOutcome(codec, bad, v)
          },
        ),
        { numRuns: 3, seed: 11 + v },
      )
    }
  })

  it('random bytes never crash any request decoder', async () => {
    const requests = MESSAGE_META.filter((m) => m.kind === 'request')
    const codecs = await Promise.all(requests.map(async (m) => [m, await loadCodec(m)] as const))
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (raw) => {
        const bytes = Buffer.from(raw)
        for (const [m, codec] of codecs) {
          for (let v = m.minVersion; v <= m.maxVersion; v++) decodeOutcome(codec, bytes, v)
        }
      }),
      { numRuns: 25, seed: 3 },
    )
  })
})
