// Reads decoded records of one partition between two offsets with plain Fetch requests (no group), the
// way a console browses: bounded by a count, never more than one fetch response in memory at a time.
import type { Consumer } from '@platformatic/kafka'
import { decodePayload } from './decode.ts'
import { AdminError } from './errors.ts'
import type { DecodeFormat, MessageView } from './types.ts'

const CONTROL_BATCH = 0x20
const LOG_APPEND_TIME = 0x08
const PARTITION_MAX_BYTES = 1024 * 1024

export interface FetchTarget {
  topic: string
  topicId: string
  node: number
  partition: number
}

export interface ViewOptions {
  keyFormat: DecodeFormat
  valueFormat: DecodeFormat
  maxPayloadBytes: number
}

export interface FetchedRecord {
  offset: bigint
  view: MessageView
}

type FetchedBatch = NonNullable<
  NonNullable<Awaited<ReturnType<Consumer['fetch']>>['responses'][number]['partitions'][number]['records']>
>[number]

/** Turns one fetched batch into message views, skipping control batches and offsets below `from`. */
export function batchToViews(
  topic: string,
  partition: number,
  batch: FetchedBatch,
  from: bigint,
  options: ViewOptions,
): FetchedRecord[] {
  if ((batch.attributes & CONTROL_BATCH) !== 0) return []
  const out: FetchedRecord[] = []
  const logAppendTime = (batch.attributes & LOG_APPEND_TIME) !== 0
  for (const record of batch.records) {
    const offset = batch.firstOffset + BigInt(record.offsetDelta)
    if (offset < from) continue
    const timestamp = logAppendTime ? batch.maxTimestamp : batch.firstTimestamp + record.timestampDelta
    let size = (record.key?.length ?? 0) + (record.value?.length ?? 0)
    const headers = record.headers.map(([k, v]) => {
      size += (k?.length ?? 0) + (v?.length ?? 0)
      return { key: k?.toString('utf8') ?? '', value: decodePayload(v, 'text', options.maxPayloadBytes) }
    })
    out.push({
      offset,
      view: {
        topic,
        partition,
        offset: offset.toString(),
        timestamp: Number(timestamp),
        key: decodePayload(record.key, options.keyFormat, options.maxPayloadBytes),
        value: decodePayload(record.value, options.valueFormat, options.maxPayloadBytes),
        headers,
        sizeBytes: size,
      },
    })
  }
  return out
}

/** Records with from <= offset < until, at most `max` of them, in offset order. */
export async function fetchRange(
  consumer: Consumer,
  target: FetchTarget,
  from: bigint,
  until: bigint,
  max: number,
  options: ViewOptions,
): Promise<FetchedRecord[]> {
  const out: FetchedRecord[] = []
  let next = from
  while (next < until && out.length < max) {
    const response = await consumer.fetch({
      node: target.node,
      maxWaitTime: 50,
      topics: [
        {
          topicId: target.topicId,
          partitions: [
            {
              partition: target.partition,
              fetchOffset: next,
              partitionMaxBytes: PARTITION_MAX_BYTES,
              currentLeaderEpoch: -1,
              lastFetchedEpoch: -1,
            },
          ],
        },
      ],
    })
    const answer = response.responses
      .flatMap((t) => t.partitions)
      .find((p) => p.partitionIndex === target.partition)
    if (!answer) break
    if (answer.errorCode !== 0)
      throw new AdminError(
        'kafka',
        `Fetch from ${target.topic}-${target.partition} failed with error code ${answer.errorCode}.`,
      )
    const batches = answer.records ?? []
    const before = next
    for (const batch of batches) {
      for (const record of batchToViews(target.topic, target.partition, batch, next, options)) {
        if (record.offset >= until || out.length >= max) return out
        out.push(record)
      }
      // Compaction and control batches leave gaps: the next read starts after the whole batch.
      const batchEnd = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n
      if (batchEnd > next) next = batchEnd
    }
    if (next === before) break
  }
  return out
}
