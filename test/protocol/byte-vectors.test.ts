// Encodings checked byte for byte against frames written by hand from the Kafka protocol guide.
import { describe, expect, it } from 'vitest'
import {
  decodeApiVersionsRequest,
  encodeApiVersionsRequest,
} from '../../broker/protocol/generated/api-versions-request.ts'
import {
  decodeApiVersionsResponse,
  encodeApiVersionsResponse,
} from '../../broker/protocol/generated/api-versions-response.ts'
import {
  decodeMetadataRequest,
  encodeMetadataRequest,
} from '../../broker/protocol/generated/metadata-request.ts'
import { encodeRequestHeader } from '../../broker/protocol/generated/request-header.ts'
import {
  decodeFindCoordinatorResponse,
  encodeFindCoordinatorResponse,
} from '../../broker/protocol/generated/find-coordinator-response.ts'
import { decodeRequestHeader, encodeResponseHeader } from '../../broker/protocol/headers.ts'
import { decodeFetchResponse, encodeFetchResponse } from '../../broker/protocol/generated/fetch-response.ts'
import { Reader } from '../../broker/protocol/primitives/reader.ts'
import { Writer } from '../../broker/protocol/primitives/writer.ts'

function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ''), 'hex')
}

function written(fn: (w: Writer) => void): string {
  const w = new Writer(16)
  fn(w)
  return w.toBuffer().toString('hex')
}

describe('known byte vectors', () => {
  it('ApiVersions v3 request with header v2 and client software name/version', () => {
    const frame = hex(
      `
      0012 0003 00000007   # api key 18, version 3, correlation id 7
      0003 636c69          # client id "cli" (int16 length even in header v2)
      00                   # header tagged fields
      03 6162              # ClientSoftwareName "ab" (compact: length + 1)
      04 312e30            # ClientSoftwareVersion "1.0"
      00                   # body tagged fields
    `.replace(/#[^\n]*/g, ''),
    )
    const bytes = written((w) => {
      encodeRequestHeader(
        w,
        { requestApiKey: 18, requestApiVersion: 3, correlationId: 7, clientId: 'cli' },
        2,
      )
      encodeApiVersionsRequest(w, { clientSoftwareName: 'ab', clientSoftwareVersion: '1.0' }, 3)
    })
    expect(bytes).toBe(frame.toString('hex'))

    const r = new Reader(frame)
    expect(decodeRequestHeader(r)).toEqual({
      apiKey: 18,
      apiVersion: 3,
      correlationId: 7,
      clientId: 'cli',
      headerVersion: 2,
    })
    expect(decodeApiVersionsRequest(r, 3)).toEqual({ clientSoftwareName: 'ab', clientSoftwareVersion: '1.0' })
    expect(r.remaining).toBe(0)
  })

  it('Metadata v1 request: one topic, and null for all topics', () => {
    const oneTopic = hex('0003 0001 0000002a ffff 00000001 0003 666f6f')
    expect(
      written((w) => {
        encodeRequestHeader(
          w,
          { requestApiKey: 3, requestApiVersion: 1, correlationId: 42, clientId: null },
          1,
        )
        encodeMetadataRequest(w, { topics: [{ name: 'foo' }] }, 1)
      }),
    ).toBe(oneTopic.toString('hex'))
    const r = new Reader(oneTopic)
    expect(decodeRequestHeader(r)).toMatchObject({
      apiKey: 3,
      apiVersion: 1,
      correlationId: 42,
      clientId: null,
      headerVersion: 1,
    })
    const req = decodeMetadataRequest(r, 1)
    expect(req.topics).toEqual([{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'foo' }])

    expect(written((w) => encodeMetadataRequest(w, { topics: null }, 1))).toBe('ffffffff')
    expect(decodeMetadataRequest(new Reader(hex('ffffffff')), 1).topics).toBeNull()
    // v0 has no null: an empty array means all topics, and null is refused on encode.
    expect(() => written((w) => encodeMetadataRequest(w, { topics: null }, 0))).toThrow(/not nullable/)
  })

  it('ApiVersions v0 response with response header v0', () => {
    const frame = hex(
      `
      00000005             # correlation id
      0000                 # error code
      00000002             # two api keys (int32 count)
      0000 0000 0008       # Produce 0-8
      0012 0000 0002       # ApiVersions 0-2
    `.replace(/#[^\n]*/g, ''),
    )
    const bytes = written((w) => {
      encodeResponseHeader(w, 5, 0)
      encodeApiVersionsResponse(
        w,
        {
          errorCode: 0,
          apiKeys: [
            { apiKey: 0, minVersion: 0, maxVersion: 8 },
            { apiKey: 18, minVersion: 0, maxVersion: 2 },
          ],
        },
        0,
      )
    })
    expect(bytes).toBe(frame.toString('hex'))
    const r = new Reader(frame, 4)
    expect(decodeApiVersionsResponse(r, 0).apiKeys).toEqual([
      { apiKey: 0, minVersion: 0, maxVersion: 8 },
      { apiKey: 18, minVersion: 0, maxVersion: 2 },
    ])
  })

  it('ApiVersions v3 response carries a tagged field (ZkMigrationReady, tag 3)', () => {
    const frame = hex(
      `
      0000                 # error code
      02                   # compact array of one
      0012 0000 0004 00    # ApiVersions 0-4, no tagged fields
      00000000             # throttle time
      01                   # one tagged field
      03 01 01             # tag 3, size 1, true
    `.replace(/#[^\n]*/g, ''),
    )
    const value = { apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }], zkMigrationReady: true }
    expect(written((w) => encodeApiVersionsResponse(w, value, 3))).toBe(frame.toString('hex'))
    const decoded = decodeApiVersionsResponse(new Reader(frame), 3)
    expect(decoded.zkMigrationReady).toBe(true)
    expect(decoded.finalizedFeaturesEpoch).toBe(-1n)
  })

  it('FindCoordinator v3 response with response header v1 and an unknown tagged field kept', () => {
    const frame = hex(
      `
      00000009 00          # correlation id, header tagged fields
      00000000             # throttle time
      0000                 # error code
      00                   # error message: null (compact)
      00000001             # node id
      0a 6c6f63616c686f7374   # host "localhost"
      00002384             # port 9092
      01                   # one tagged field
      05 02 abcd           # unknown tag 5, two bytes
    `.replace(/#[^\n]*/g, ''),
    )
    const value = {
      errorMessage: null,
      nodeId: 1,
      host: 'localhost',
      port: 9092,
      unknownTaggedFields: [{ tag: 5, data: Buffer.from([0xab, 0xcd]) }],
    }
    const bytes = written((w) => {
      encodeResponseHeader(w, 9, 1)
      encodeFindCoordinatorResponse(w, value, 3)
    })
    expect(bytes).toBe(frame.toString('hex'))
    const decoded = decodeFindCoordinatorResponse(new Reader(frame, 5), 3)
    expect(decoded).toEqual({ throttleTimeMs: 0, errorCode: 0, ...value, coordinators: [] })
  })

  it('Fetch v12 response: default tagged structs are left out, set ones are written, records are not copied', () => {
    const records = Buffer.alloc(4096, 0xaa)
    const partition = {
      partitionIndex: 0,
      highWatermark: 10n,
      lastStableOffset: 10n,
      logStartOffset: 0n,
      records,
    }
    const w = new Writer()
    encodeFetchResponse(w, { responses: [{ topic: 't', partitions: [partition] }] }, 12)
    const chunks = w.toChunks()
    expect(chunks).toContain(records)
    const frame = Buffer.concat(chunks)
    const head = hex(
      `
      00000000 0000 00000000    # throttle, error, session id
      02 02 74                  # one topic "t"
      02 00000000 0000          # one partition 0, no error
      000000000000000a 000000000000000a 0000000000000000   # high watermark, last stable, log start
      01                        # aborted transactions: empty compact array
      ffffffff                  # preferred read replica -1
      8120                      # records: compact length 4096 + 1 as a varint
    `.replace(/#[^\n]*/g, ''),
    )
    expect(frame.subarray(0, head.length).toString('hex')).toBe(head.toString('hex'))
    expect(frame.subarray(head.length + 4096).toString('hex')).toBe('000000') // no tagged fields anywhere
    const decoded = decodeFetchResponse(new Reader(frame), 12)
    expect(decoded.responses[0]?.partitions[0]?.divergingEpoch).toEqual({ epoch: -1, endOffset: -1n })

    const w2 = new Writer()
    const diverging = { ...partition, divergingEpoch: { epoch: 3, endOffset: 7n } }
    encodeFetchResponse(w2, { responses: [{ topic: 't', partitions: [diverging] }] }, 12)
    const frame2 = w2.toBuffer()
    // tag 0, 13 bytes: epoch, end offset, empty tagged section; then the topic and response sections.
    expect(frame2.subarray(head.length + 4096).toString('hex')).toBe(
      '01000d00000003000000000000000700' + '0000',
    )
    expect(decodeFetchResponse(new Reader(frame2), 12).responses[0]?.partitions[0]?.divergingEpoch).toEqual({
      epoch: 3,
      endOffset: 7n,
    })
  })

  it('request headers: v0 for ControlledShutdown v0, v1 for unknown API keys, tagged fields skipped in v2', () => {
    const v0 = new Reader(hex('0007 0000 00000003 ffffffff'))
    expect(decodeRequestHeader(v0)).toEqual({
      apiKey: 7,
      apiVersion: 0,
      correlationId: 3,
      clientId: null,
      headerVersion: 0,
    })
    expect(v0.remaining).toBe(4)

    const unknown = new Reader(hex('7fff 0000 00000004 0001 61'))
    expect(decodeRequestHeader(unknown)).toMatchObject({ apiKey: 32767, clientId: 'a', headerVersion: 1 })

    const tagged = new Reader(hex('0003 000c 00000005 0000 01 07 02 abcd ee'))
    expect(decodeRequestHeader(tagged)).toMatchObject({
      apiKey: 3,
      apiVersion: 12,
      clientId: '',
      headerVersion: 2,
    })
    expect(tagged.remaining).toBe(1)

    expect(written((w) => encodeResponseHeader(w, 6, 1))).toBe('0000000600')
  })
})
