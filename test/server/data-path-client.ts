// Typed request helpers over RawClient for the data-path server tests (produce, fetch, offsets).
import { encodeCreateTopicsRequest } from '../../broker/protocol/generated/create-topics-request.ts'
import { decodeCreateTopicsResponse } from '../../broker/protocol/generated/create-topics-response.ts'
import { encodeFetchRequest, type FetchRequestInput } from '../../broker/protocol/generated/fetch-request.ts'
import { decodeFetchResponse, type FetchResponse } from '../../broker/protocol/generated/fetch-response.ts'
import {
  encodeListOffsetsRequest,
  type ListOffsetsRequestInput,
} from '../../broker/protocol/generated/list-offsets-request.ts'
import {
  decodeListOffsetsResponse,
  type ListOffsetsResponse,
} from '../../broker/protocol/generated/list-offsets-response.ts'
import { encodeProduceRequest } from '../../broker/protocol/generated/produce-request.ts'
import {
  decodeProduceResponse,
  type ProduceResponse,
} from '../../broker/protocol/generated/produce-response.ts'
import { buildRecordBatch, type BuildBatchOptions } from '../../broker/protocol/records/builder.ts'
import { RawClient } from '../helpers/raw-client.ts'

let correlation = 1000

export async function call<T>(
  c: RawClient,
  key: number,
  version: number,
  encode: (w: import('../../broker/protocol/primitives/writer.ts').Writer) => void,
  decode: (r: import('../../broker/protocol/primitives/reader.ts').Reader, v: number) => T,
): Promise<T> {
  const id = correlation++
  c.send(RawClient.frame(key, version, id, encode))
  const res = RawClient.parse(await c.next(), key, version)
  if (res.correlationId !== id) throw new Error(`expected correlation id ${id}, got ${res.correlationId}`)
  return decode(res.body, version)
}

export async function createTopic(
  c: RawClient,
  name: string,
  numPartitions = 1,
  configs: Record<string, string> = {},
): Promise<string> {
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
              replicationFactor: 1,
              configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })),
            },
          ],
          timeoutMs: 10_000,
        },
        7,
      ),
    decodeCreateTopicsResponse,
  )
  const t = res.topics[0]
  if (t === undefined || t.errorCode !== 0)
    throw new Error(`CreateTopics failed: ${t?.errorCode} ${t?.errorMessage}`)
  return t.topicId
}

export function batch(values: string[], opts: Partial<BuildBatchOptions> = {}): Promise<Buffer> {
  return buildRecordBatch({ records: values.map((v, i) => ({ key: `k${i}`, value: v })), ...opts })
}

export async function produce(
  c: RawClient,
  topic: string,
  partition: number,
  records: Buffer,
  opts: { acks?: number; version?: number } = {},
): Promise<ProduceResponse['responses'][number]['partitionResponses'][number]> {
  const version = opts.version ?? 9
  const res = await call(
    c,
    0,
    version,
    (w) =>
      encodeProduceRequest(
        w,
        {
          acks: opts.acks ?? -1,
          timeoutMs: 5000,
          topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
        },
        version,
      ),
    decodeProduceResponse,
  )
  const p = res.responses[0]?.partitionResponses[0]
  if (p === undefined) throw new Error('empty produce response')
  return p
}

export function fetch(c: RawClient, req: FetchRequestInput, version = 12): Promise<FetchResponse> {
  return call(c, 1, version, (w) => encodeFetchRequest(w, req, version), decodeFetchResponse)
}

export function listOffsets(
  c: RawClient,
  req: ListOffsetsRequestInput,
  version = 7,
): Promise<ListOffsetsResponse> {
  return call(c, 2, version, (w) => encodeListOffsetsRequest(w, req, version), decodeListOffsetsResponse)
}
