// Produce one message: key, value, headers, a fixed partition or the default partitioner, compression.
import type { ClusterClient } from './cluster-client.ts'
import { encodePayload } from './decode.ts'
import { AdminError } from './errors.ts'
import { run } from './run.ts'
import { topicPartitionCount } from './topics.ts'
import type { ProduceResult, ProduceSpec } from './types.ts'

export function produce(client: ClusterClient, spec: ProduceSpec): Promise<ProduceResult> {
  return run(async () => {
    const key = spec.key ? encodePayload(spec.key, 'key') : undefined
    const value = spec.value ? encodePayload(spec.value, 'value') : undefined
    const headers = new Map<Buffer, Buffer>(
      spec.headers.map((h) => [Buffer.from(h.key), Buffer.from(h.value)]),
    )
    // The client library wraps an explicit partition modulo the partition count; refuse instead of
    // silently writing elsewhere.
    if (spec.partition !== null) {
      const count = await topicPartitionCount(client, spec.topic)
      if (spec.partition >= count)
        throw new AdminError(
          'invalid-argument',
          `Topic ${spec.topic} has ${count} partitions (0-${count - 1}); there is no partition ${spec.partition}.`,
        )
    }
    const result = await client.producer.send({
      messages: [
        {
          topic: spec.topic,
          ...(spec.partition === null ? {} : { partition: spec.partition }),
          ...(key ? { key } : {}),
          ...(value ? { value } : {}),
          headers,
        },
      ],
      compression: spec.compression,
      acks: -1,
      autocreateTopics: false,
    })
    const written = result.offsets?.find((o) => o.topic === spec.topic)
    if (!written)
      throw new AdminError('kafka', `The cluster did not report an offset for the message to ${spec.topic}.`)
    return { topic: spec.topic, partition: written.partition, offset: written.offset.toString() }
  })
}
