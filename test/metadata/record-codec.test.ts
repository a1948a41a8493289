import { describe, expect, it } from 'vitest'
import { decodeMetadataRecord, encodeMetadataRecord } from '../../broker/metadata/record-codec.ts'
import { ConfigResourceType, RecordType, type MetadataRecord } from '../../broker/metadata/records.ts'

const ID = Buffer.from('00112233445566778899aabbccddeeff', 'hex').toString('base64url')

describe('metadata record codec', () => {
  it("writes Kafka's frame: version 1, record type, record version, flexible body", () => {
    const bytes = encodeMetadataRecord({ type: RecordType.TOPIC, name: 'ab', topicId: ID })
    expect(bytes.toString('hex')).toBe('010200' + '03' + '6162' + '00112233445566778899aabbccddeeff' + '00')
  })

  it('round-trips every record type it writes', () => {
    const records: MetadataRecord[] = [
      { type: RecordType.TOPIC, name: 't', topicId: ID },
      {
        type: RecordType.PARTITION,
        partitionId: 3,
        topicId: ID,
        replicas: [1],
        isr: [1],
        leader: 1,
        leaderEpoch: 2,
        partitionEpoch: 4,
      },
      {
        type: RecordType.CONFIG,
        resourceType: ConfigResourceType.TOPIC,
        resourceName: 't',
        name: 'retention.ms',
        value: '5',
      },
      {
        type: RecordType.CONFIG,
        resourceType: ConfigResourceType.BROKER,
        resourceName: '',
        name: 'x',
        value: null,
      },
      { type: RecordType.REMOVE_TOPIC, topicId: ID },
    ]
    for (const r of records) expect(decodeMetadataRecord(encodeMetadataRecord(r))).toEqual(r)
  })

  it('skips record types it does not use', () => {
    // FeatureLevelRecord (type 12) from a newer writer.
    expect(decodeMetadataRecord(Buffer.from([1, 12, 0, 1, 0, 0]))).toBeNull()
  })
})
