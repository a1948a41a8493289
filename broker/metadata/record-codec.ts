// Kafka's metadata record value format (MetadataRecordSerde): unsigned varint frame version (1),
// unsigned varint record type (the schema's apiKey), unsigned varint record version, then the record
// body in the schema's encoding (the generated codecs). Unknown record types decode to null so a log
// written by a newer broker can still be read.
import {
  decodeAccessControlEntryRecord,
  encodeAccessControlEntryRecord,
} from '../protocol/generated/access-control-entry-record.ts'
import {
  decodeClientQuotaRecord,
  encodeClientQuotaRecord,
} from '../protocol/generated/client-quota-record.ts'
import {
  decodeRemoveAccessControlEntryRecord,
  encodeRemoveAccessControlEntryRecord,
} from '../protocol/generated/remove-access-control-entry-record.ts'
import {
  decodeRemoveUserScramCredentialRecord,
  encodeRemoveUserScramCredentialRecord,
} from '../protocol/generated/remove-user-scram-credential-record.ts'
import {
  decodeUserScramCredentialRecord,
  encodeUserScramCredentialRecord,
} from '../protocol/generated/user-scram-credential-record.ts'
import { decodeConfigRecord, encodeConfigRecord } from '../protocol/generated/config-record.ts'
import { decodePartitionRecord, encodePartitionRecord } from '../protocol/generated/partition-record.ts'
import {
  decodeRemoveTopicRecord,
  encodeRemoveTopicRecord,
} from '../protocol/generated/remove-topic-record.ts'
import { decodeTopicRecord, encodeTopicRecord } from '../protocol/generated/topic-record.ts'
import { ProtocolError } from '../protocol/primitives/errors.ts'
import { Reader } from '../protocol/primitives/reader.ts'
import { Writer } from '../protocol/primitives/writer.ts'
import { RecordType, type MetadataRecord } from './records.ts'

const FRAME_VERSION = 1
/** Record versions this broker writes (the oldest that carries every field it uses). */
const WRITE_VERSION = 0

export function encodeMetadataRecord(rec: MetadataRecord): Buffer {
  const w = new Writer(64)
  w.unsignedVarint(FRAME_VERSION)
  w.unsignedVarint(rec.type)
  w.unsignedVarint(WRITE_VERSION)
  switch (rec.type) {
    case RecordType.TOPIC:
      encodeTopicRecord(w, { name: rec.name, topicId: rec.topicId }, WRITE_VERSION)
      break
    case RecordType.PARTITION:
      encodePartitionRecord(
        w,
        {
          partitionId: rec.partitionId,
          topicId: rec.topicId,
          replicas: rec.replicas,
          isr: rec.isr,
          removingReplicas: [],
          addingReplicas: [],
          leader: rec.leader,
          leaderEpoch: rec.leaderEpoch,
          partitionEpoch: rec.partitionEpoch,
        },
        WRITE_VERSION,
      )
      break
    case RecordType.CONFIG:
      encodeConfigRecord(
        w,
        { resourceType: rec.resourceType, resourceName: rec.resourceName, name: rec.name, value: rec.value },
        WRITE_VERSION,
      )
      break
    case RecordType.REMOVE_TOPIC:
      encodeRemoveTopicRecord(w, { topicId: rec.topicId }, WRITE_VERSION)
      break
    case RecordType.CLIENT_QUOTA:
      encodeClientQuotaRecord(
        w,
        { entity: rec.entity, key: rec.key, value: rec.value, remove: rec.remove },
        WRITE_VERSION,
      )
      break
    case RecordType.ACCESS_CONTROL_ENTRY: {
      const { type: _type, ...acl } = rec
      encodeAccessControlEntryRecord(w, acl, WRITE_VERSION)
      break
    }
    case RecordType.REMOVE_ACCESS_CONTROL_ENTRY:
      encodeRemoveAccessControlEntryRecord(w, { id: rec.id }, WRITE_VERSION)
      break
    case RecordType.USER_SCRAM_CREDENTIAL: {
      const { type: _type, ...cred } = rec
      encodeUserScramCredentialRecord(w, cred, WRITE_VERSION)
      break
    }
    case RecordType.REMOVE_USER_SCRAM_CREDENTIAL:
      encodeRemoveUserScramCredentialRecord(w, { name: rec.name, mechanism: rec.mechanism }, WRITE_VERSION)
      break
  }
  return w.toBuffer()
}

/** Decodes one record value; null for record types this broker does not use. Throws ProtocolError. */
export function decodeMetadataRecord(value: Buffer): MetadataRecord | null {
  const r = new Reader(value)
  const frame = r.unsignedVarint()
  if (frame !== FRAME_VERSION) throw new ProtocolError('invalid', `unknown metadata frame version ${frame}`)
  const type = r.unsignedVarint()
  const version = r.unsignedVarint()
  switch (type) {
    case RecordType.TOPIC: {
      const t = decodeTopicRecord(r, version)
      return { type, name: t.name, topicId: t.topicId }
    }
    case RecordType.PARTITION: {
      const p = decodePartitionRecord(r, version)
      return {
        type,
        partitionId: p.partitionId,
        topicId: p.topicId,
        replicas: p.replicas,
        isr: p.isr,
        leader: p.leader,
        leaderEpoch: p.leaderEpoch,
        partitionEpoch: p.partitionEpoch,
      }
    }
    case RecordType.CONFIG: {
      const c = decodeConfigRecord(r, version)
      return {
        type,
        resourceType: c.resourceType,
        resourceName: c.resourceName,
        name: c.name,
        value: c.value,
      }
    }
    case RecordType.REMOVE_TOPIC:
      return { type, topicId: decodeRemoveTopicRecord(r, version).topicId }
    case RecordType.CLIENT_QUOTA: {
      const q = decodeClientQuotaRecord(r, version)
      return {
        type,
        entity: q.entity.map((e) => ({ entityType: e.entityType, entityName: e.entityName })),
        key: q.key,
        value: q.value,
        remove: q.remove,
      }
    }
    case RecordType.ACCESS_CONTROL_ENTRY: {
      const a = decodeAccessControlEntryRecord(r, version)
      return {
        type,
        id: a.id,
        resourceType: a.resourceType,
        resourceName: a.resourceName,
        patternType: a.patternType,
        principal: a.principal,
        host: a.host,
        operation: a.operation,
        permissionType: a.permissionType,
      }
    }
    case RecordType.REMOVE_ACCESS_CONTROL_ENTRY:
      return { type, id: decodeRemoveAccessControlEntryRecord(r, version).id }
    case RecordType.USER_SCRAM_CREDENTIAL: {
      const c = decodeUserScramCredentialRecord(r, version)
      return {
        type,
        name: c.name,
        mechanism: c.mechanism,
        salt: c.salt,
        storedKey: c.storedKey,
        serverKey: c.serverKey,
        iterations: c.iterations,
      }
    }
    case RecordType.REMOVE_USER_SCRAM_CREDENTIAL: {
      const c = decodeRemoveUserScramCredentialRecord(r, version)
      return { type, name: c.name, mechanism: c.mechanism }
    }
    default:
      return null
  }
}
