import { describe, expect, it } from 'vitest'
import { javaStringHashCode, offsetsPartitionFor } from '../../broker/groups/java-hash.ts'
import { decodeRecord, encodeRecordKey, encodeRecordValue } from '../../broker/groups/offsets-codec.ts'
import type { CoordinatorRecord } from '../../broker/groups/coordinator-records.ts'

function roundTrip(rec: CoordinatorRecord): CoordinatorRecord | null {
  return decodeRecord(encodeRecordKey(rec), encodeRecordValue(rec))
}

describe('group -> __consumer_offsets partition', () => {
  it("matches Java's String.hashCode, including UTF-16 code units and overflow", () => {
    expect(javaStringHashCode('')).toBe(0)
    expect(javaStringHashCode('hello')).toBe(99162322)
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648)
    // U+1F600 is two UTF-16 code units (0xD83D 0xDE00): 0xD83D * 31 + 0xDE00.
    expect(javaStringHashCode('\u{1F600}')).toBe(0xd83d * 31 + 0xde00)
  })

  it("uses Kafka's Utils.abs (MIN_VALUE -> 0) modulo the partition count", () => {
    expect(offsetsPartitionFor('polygenelubricants', 50)).toBe(0)
    expect(offsetsPartitionFor('hello', 50)).toBe(99162322 % 50)
    expect(offsetsPartitionFor('Aa', 7)).toBe(offsetsPartitionFor('BB', 7)) // equal hash codes
  })
})

describe('__consumer_offsets record formats', () => {
  it("writes Kafka's OffsetCommitKey v1 and GroupMetadataKey v2 bytes", () => {
    const key = encodeRecordKey({ kind: 'offset', group: 'g', topic: 't', partition: 3, value: null })
    expect([...key]).toEqual([0, 1, 0, 1, 0x67, 0, 1, 0x74, 0, 0, 0, 3])
    const gkey = encodeRecordKey({ kind: 'group', group: 'g', value: null })
    expect([...gkey]).toEqual([0, 2, 0, 1, 0x67])
  })

  it('round-trips offsets (v3, or v1 with an expire timestamp), groups and tombstones', () => {
    const offset: CoordinatorRecord = {
      kind: 'offset',
      group: 'g',
      topic: 't',
      partition: 1,
      value: { offset: 42n, leaderEpoch: 5, metadata: 'meta', commitTimestamp: 1000, expireTimestamp: null },
    }
    expect(roundTrip(offset)).toEqual(offset)
    expect(encodeRecordValue(offset)?.readInt16BE(0)).toBe(3)
    const expiring: CoordinatorRecord = {
      kind: 'offset',
      group: 'g',
      topic: 't',
      partition: 1,
      value: { offset: 1n, leaderEpoch: -1, metadata: '', commitTimestamp: 1000, expireTimestamp: 9000 },
    }
    expect(roundTrip(expiring)).toEqual(expiring)
    expect(encodeRecordValue(expiring)?.readInt16BE(0)).toBe(1)
    const group: CoordinatorRecord = {
      kind: 'group',
      group: 'g',
      value: {
        protocolType: 'consumer',
        generation: 7,
        protocol: 'range',
        leader: 'm-1',
        currentStateTimestamp: 12345,
        members: [
          {
            memberId: 'm-1',
            groupInstanceId: 'i-1',
            clientId: 'c',
            clientHost: '/127.0.0.1',
            rebalanceTimeoutMs: 30000,
            sessionTimeoutMs: 10000,
            subscription: Buffer.from([1, 2]),
            assignment: Buffer.from([3]),
          },
        ],
      },
    }
    expect(roundTrip(group)).toEqual(group)
    expect(roundTrip({ kind: 'group', group: 'g', value: null })).toEqual({
      kind: 'group',
      group: 'g',
      value: null,
    })
    expect(roundTrip({ ...offset, value: null })).toEqual({ ...offset, value: null })
  })

  it('skips KIP-848 record types and rejects malformed keys', () => {
    expect(decodeRecord(Buffer.from([0, 3, 0, 1, 0x67]), null)).toBeNull()
    expect(() => decodeRecord(Buffer.from([0, 1, 0, 9]), null)).toThrow()
  })
})
