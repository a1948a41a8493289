// DescribeTopicPartitions (key 75), v0 (flexible): topic metadata with paging. Topics come sorted by
// name (all topics when none are named), at most responsePartitionLimit partitions per response; the
// cursor says where the next page starts.
import { ErrorCode } from '../../protocol/errors.ts'
import { decodeDescribeTopicPartitionsRequest } from '../../protocol/generated/describe-topic-partitions-request.ts'
import {
  encodeDescribeTopicPartitionsResponse,
  type DescribeTopicPartitionsResponseInput,
} from '../../protocol/generated/describe-topic-partitions-response.ts'
import { ZERO_UUID, isInternalTopic } from '../../metadata/topic-rules.ts'
import { api } from '../registry.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'

type TopicOut = NonNullable<DescribeTopicPartitionsResponseInput['topics']>[number]
const MAX_LIMIT = 2000

export default api(
  75,
  { min: 0, max: 0 },
  {
    decode: decodeDescribeTopicPartitionsRequest,
    encode: encodeDescribeTopicPartitionsResponse,
    handle: (req, ctx): DescribeTopicPartitionsResponseInput => {
      const image = ctx.broker.metadata.image
      const authz = authzOf(ctx)
      const describable = (name: string): boolean => authz.topic(name, AclOperation.DESCRIBE)
      // Listing all topics leaves out those the principal may not describe; named ones answer
      // TOPIC_AUTHORIZATION_FAILED.
      const names = (
        req.topics.length === 0
          ? [...image.topicsByName.keys()].filter(describable)
          : req.topics.map((t) => t.name)
      ).sort()
      const limit = Math.max(1, Math.min(req.responsePartitionLimit, MAX_LIMIT))
      const cursor = req.cursor
      let budget = limit
      const topics: TopicOut[] = []
      let nextCursor: DescribeTopicPartitionsResponseInput['nextCursor'] = null
      for (const name of names) {
        if (cursor && name < cursor.topicName) continue
        if (!describable(name)) {
          topics.push({
            errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
            name,
            topicId: ZERO_UUID,
            partitions: [],
          })
          continue
        }
        const t = image.topicsByName.get(name)
        if (!t) {
          topics.push({
            errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            name,
            topicId: ZERO_UUID,
            partitions: [],
          })
          continue
        }
        const first = cursor && name === cursor.topicName ? Math.max(0, cursor.partitionIndex) : 0
        if (budget === 0) {
          nextCursor = { topicName: name, partitionIndex: first }
          break
        }
        const parts = t.partitions.slice(first, first + budget)
        budget -= parts.length
        topics.push({
          errorCode: ErrorCode.NONE,
          name,
          topicId: t.id,
          isInternal: isInternalTopic(name),
          partitions: parts.map((p) => ({
            errorCode: ErrorCode.NONE,
            partitionIndex: p.partition,
            leaderId: p.leader,
            leaderEpoch: p.leaderEpoch,
            replicaNodes: p.replicas,
            isrNodes: p.isr,
            eligibleLeaderReplicas: [],
            lastKnownElr: [],
            offlineReplicas: [],
          })),
        })
        if (first + parts.length < t.partitions.length) {
          nextCursor = { topicName: name, partitionIndex: first + parts.length }
          break
        }
      }
      return { throttleTimeMs: 0, topics, nextCursor }
    },
  },
)
