// Kafka's metadata record value format (MetadataRecordSerde): unsigned varint frame version (1),
// unsigned varint record type (the schema's apiKey), unsigned varint record version, then the record
// body in the schema's flexible encoding. Unknown record types decode to null so a newer log can be read.
import { Reader } from '../protocol/primitives/reader.ts'
import { Writer } from '../protocol/primitives/writer.ts'
import { RecordType, type MetadataRecord } from './records.ts'

const FRAME_VERSION = 1

function skipTaggedFields(r: Reader): void {
  const n = r.unsignedVarint()
  for (let i = 0; i < n; i++) {
    r.unsignedVarint()
    r.raw(r.unsignedVarint())
  }
}

function int32Array(w: Writer, values: readonly number[]): void {
  w.arrayLength(true, values.length)
  for (const v of values) w.int32(v)
}

function readInt32Array(r: Reader): number[] {
  const n = r.arrayLength(true, false, 4)
  const out: number[] = []
  for (let i = 0; i < n; i++) out.push(r.int32())
  return out
}

export function encodeMetadataRecord(rec: MetadataRecord): Buffer {
  const w = new Writer(64)
  w.unsignedVarint(FRAME_VERSION)
  w.unsignedVarint(rec.type)
  w.unsignedVarint(0)
  switch (rec.type) {
    case RecordType.TOPIC:
      w.compactString(rec.name)
      w.uuid(rec.topicId)
      break
    case RecordType.PARTITION:
      w.int32(rec.partitionId)
      w.uuid(rec.topicId)
      int32Array(w, rec.replicas)
      int32Array(w, rec.isr)
      int32Array(w, [])
      int32Array(w, [])
      w.int32(rec.leader)
      w.int32(rec.leaderEpoch)
      w.int32(rec.partitionEpoch)
      break
    case RecordType.CONFIG:
      w.int8(rec.resourceType)
      w.compactString(rec.resourceName)
      w.compactString(rec.name)
      w.compactNullableString(rec.value)
      break
    case RecordType.REMOVE_TOPIC:
      w.uuid(rec.topicId)
      break
  }
  w.unsignedVarint(0)
  return w.toBuffer()
}

/** Decodes one record value; null for record types this broker does not use. Throws ProtocolError. */
export function decodeMetadataRecord(value: Buffer): MetadataRecord | null {
  const r = new Reader(value)
  const frame = r.unsignedVarint()
  if (frame !== FRAME_VERSION) throw new Error(`unknown metadata frame version ${frame}`)
  const type = r.unsignedVarint()
  const version = r.unsignedVarint()
  let rec: MetadataRecord
  switch (type) {
    case RecordType.TOPIC:
      rec = { type, name: r.compactString(), topicId: r.uuid() }
      break
    case RecordType.PARTITION: {
      const partitionId = r.int32()
      const topicId = r.uuid()
      const replicas = readInt32Array(r)
      const isr = readInt32Array(r)
      readInt32Array(r)
      readInt32Array(r)
      const leader = r.int32()
      const leaderEpoch = r.int32()
      const partitionEpoch = r.int32()
      if (version >= 1) {
        const n = r.arrayLength(true, false, 16)
        for (let i = 0; i < n; i++) r.uuid()
      }
      rec = { type, partitionId, topicId, replicas, isr, leader, leaderEpoch, partitionEpoch }
      break
    }
    case RecordType.CONFIG:
      rec = {
        type,
        resourceType: r.int8(),
        resourceName: r.compactString(),
        name: r.compactString(),
        value: r.compactNullableString(),
      }
      break
    case RecordType.REMOVE_TOPIC:
      rec = { type, topicId: r.uuid() }
      break
    default:
      return null
  }
  skipTaggedFields(r)
  return rec
}
