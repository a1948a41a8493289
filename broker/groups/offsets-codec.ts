// Kafka's byte formats for __consumer_offsets records, so the partitions read the same as Kafka's: the key
// is int16 version + OffsetCommitKey (v1) or GroupMetadataKey (v2); the value is int16 version + the value
// struct; a null value is a tombstone. Versions 3+ of the key belong to KIP-848 groups and are skipped.
import { Reader } from '../protocol/primitives/reader.ts'
import { Writer } from '../protocol/primitives/writer.ts'
import { decodeGroupMetadataKey, encodeGroupMetadataKey } from '../protocol/generated/group-metadata-key.ts'
import {
  decodeGroupMetadataValue,
  encodeGroupMetadataValue,
} from '../protocol/generated/group-metadata-value.ts'
import { decodeOffsetCommitKey, encodeOffsetCommitKey } from '../protocol/generated/offset-commit-key.ts'
import {
  decodeOffsetCommitValue,
  encodeOffsetCommitValue,
} from '../protocol/generated/offset-commit-value.ts'
import type { CoordinatorRecord, GroupValue, OffsetValue } from './coordinator-records.ts'

const OFFSET_KEY_VERSION = 1
const GROUP_KEY_VERSION = 2
/** v3 carries the leader epoch; v1 is the only version with an explicit expire timestamp. */
const OFFSET_VALUE_VERSION = 3
const OFFSET_VALUE_VERSION_WITH_EXPIRY = 1
const GROUP_VALUE_VERSION = 3

export function encodeRecordKey(rec: CoordinatorRecord): Buffer {
  const w = new Writer(64)
  if (rec.kind === 'offset') {
    w.int16(OFFSET_KEY_VERSION)
    encodeOffsetCommitKey(
      w,
      { group: rec.group, topic: rec.topic, partition: rec.partition },
      OFFSET_KEY_VERSION,
    )
  } else {
    w.int16(GROUP_KEY_VERSION)
    encodeGroupMetadataKey(w, { group: rec.group }, GROUP_KEY_VERSION)
  }
  return w.toBuffer()
}

export function encodeRecordValue(rec: CoordinatorRecord): Buffer | null {
  if (rec.value === null) return null
  const w = new Writer(128)
  if (rec.kind === 'offset') {
    const v = rec.value
    const version = v.expireTimestamp === null ? OFFSET_VALUE_VERSION : OFFSET_VALUE_VERSION_WITH_EXPIRY
    w.int16(version)
    encodeOffsetCommitValue(
      w,
      {
        offset: v.offset,
        leaderEpoch: v.leaderEpoch,
        metadata: v.metadata,
        commitTimestamp: BigInt(v.commitTimestamp),
        expireTimestamp: BigInt(v.expireTimestamp ?? -1),
      },
      version,
    )
  } else {
    const v = rec.value
    w.int16(GROUP_VALUE_VERSION)
    encodeGroupMetadataValue(
      w,
      {
        protocolType: v.protocolType,
        generation: v.generation,
        protocol: v.protocol,
        leader: v.leader,
        currentStateTimestamp: BigInt(v.currentStateTimestamp),
        members: v.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          rebalanceTimeout: m.rebalanceTimeoutMs,
          sessionTimeout: m.sessionTimeoutMs,
          subscription: Buffer.from(
            m.subscription.buffer,
            m.subscription.byteOffset,
            m.subscription.byteLength,
          ),
          assignment: Buffer.from(m.assignment.buffer, m.assignment.byteOffset, m.assignment.byteLength),
        })),
      },
      GROUP_VALUE_VERSION,
    )
  }
  return w.toBuffer()
}

/**
 * Decodes one __consumer_offsets record. Returns null for record types this coordinator does not keep
 * (KIP-848 and share-group records). Throws ProtocolError for malformed bytes.
 */
export function decodeRecord(key: Buffer, value: Buffer | null): CoordinatorRecord | null {
  const kr = new Reader(key)
  const keyVersion = kr.int16()
  if (keyVersion === 0 || keyVersion === 1) {
    const k = decodeOffsetCommitKey(kr, keyVersion)
    return {
      kind: 'offset',
      group: k.group,
      topic: k.topic,
      partition: k.partition,
      value: decodeOffset(value),
    }
  }
  if (keyVersion === 2) {
    const k = decodeGroupMetadataKey(kr, keyVersion)
    return { kind: 'group', group: k.group, value: decodeGroup(value) }
  }
  return null
}

function decodeOffset(value: Buffer | null): OffsetValue | null {
  if (value === null) return null
  const r = new Reader(value)
  const version = r.int16()
  // Newer value versions are read as the newest known one, as Kafka does.
  const v = decodeOffsetCommitValue(r, Math.min(Math.max(version, 0), 4))
  return {
    offset: v.offset,
    leaderEpoch: v.leaderEpoch,
    metadata: v.metadata,
    commitTimestamp: Number(v.commitTimestamp),
    expireTimestamp: v.expireTimestamp >= 0n ? Number(v.expireTimestamp) : null,
  }
}

function decodeGroup(value: Buffer | null): GroupValue | null {
  if (value === null) return null
  const r = new Reader(value)
  const version = r.int16()
  const v = decodeGroupMetadataValue(r, Math.min(Math.max(version, 0), 4))
  return {
    protocolType: v.protocolType,
    generation: v.generation,
    protocol: v.protocol,
    leader: v.leader,
    currentStateTimestamp: Number(v.currentStateTimestamp),
    members: v.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeoutMs: m.rebalanceTimeout,
      sessionTimeoutMs: m.sessionTimeout,
      subscription: m.subscription,
      assignment: m.assignment,
    })),
  }
}
