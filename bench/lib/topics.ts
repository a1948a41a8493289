// Creates a topic with an exact partition count through the real CreateTopics API.
import { encodeCreateTopicsRequest } from '../../broker/protocol/generated/create-topics-request.ts'
import { decodeCreateTopicsResponse } from '../../broker/protocol/generated/create-topics-response.ts'
import { RawClient } from '../../test/helpers/raw-client.ts'

export async function createTopic(port: number, name: string, numPartitions: number): Promise<void> {
  const c = await RawClient.connect(port)
  c.send(
    RawClient.frame(19, 7, 1, (w) =>
      encodeCreateTopicsRequest(
        w,
        { topics: [{ name, numPartitions, replicationFactor: 1 }], timeoutMs: 60_000 },
        7,
      ),
    ),
  )
  const res = decodeCreateTopicsResponse(RawClient.parse(await c.next(), 19, 7).body, 7)
  c.close()
  const t = res.topics[0]
  if (t?.errorCode !== 0) throw new Error(`CreateTopics ${name} failed: ${t?.errorCode} ${t?.errorMessage}`)
}
