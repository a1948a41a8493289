// Metadata (key 3), v0-v12.
// v0: an empty topic list means all topics. v1: null means all topics, empty means none; adds
// controllerId, isInternal and the broker rack. v2: clusterId. v3: throttleTimeMs. v4:
// allowAutoTopicCreation (older versions always allow it). v5: offlineReplicas. v6: same as v5. v7:
// leaderEpoch. v8: authorized operations (topic and cluster, when asked for). v9: flexible.
// v10: topic ids. v11: drops cluster authorized operations. v12: topics may be asked for by id (null name).
// Unknown topics are created when the request and auto.create.topics.enable allow it (num.partitions,
// default.replication.factor), and answered with their partitions at once.
import { ErrorCode } from '../../protocol/errors.ts'
import { decodeMetadataRequest } from '../../protocol/generated/metadata-request.ts'
import {
  encodeMetadataResponse,
  type MetadataResponseInput,
} from '../../protocol/generated/metadata-response.ts'
import type { TopicState } from '../../metadata/image.ts'
import { ZERO_UUID, isInternalTopic, topicNameProblem } from '../../metadata/topic-rules.ts'
import type { BrokerState } from '../broker-state.ts'
import { api } from '../registry.ts'
import { createTopic, topicReady } from '../topic-admin.ts'
import { authzOf, clusterOperations, SUPPORTED_OPERATIONS } from '../../security/acl-admin.ts'
import { AclOperation, ResourceType } from '../../security/acl-authorizer.ts'

type TopicOut = NonNullable<MetadataResponseInput['topics']>[number]

function describeTopic(t: TopicState): TopicOut {
  return {
    errorCode: ErrorCode.NONE,
    name: t.name,
    topicId: t.id,
    isInternal: isInternalTopic(t.name),
    partitions: t.partitions.map((p) => ({
      errorCode: ErrorCode.NONE,
      partitionIndex: p.partition,
      leaderId: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: p.replicas,
      isrNodes: p.isr,
      offlineReplicas: [],
    })),
  }
}

function missing(errorCode: number, name: string | null, topicId = ZERO_UUID): TopicOut {
  return { errorCode, name, topicId, isInternal: false, partitions: [] }
}

async function resolveByName(
  broker: BrokerState,
  name: string,
  autoCreate: boolean,
  mayCreate: (name: string) => boolean,
): Promise<TopicOut> {
  await topicReady(broker, name)
  const image = broker.metadata.image
  const existing = image.topicsByName.get(name)
  if (existing) return describeTopic(existing)
  // Auto-creation needs CREATE on the cluster or the topic, as in Kafka.
  if (autoCreate && !mayCreate(name)) return missing(ErrorCode.TOPIC_AUTHORIZATION_FAILED, name)
  if (topicNameProblem(name)) return missing(ErrorCode.INVALID_TOPIC_EXCEPTION, name)
  if (!autoCreate || isInternalTopic(name)) return missing(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name)
  const res = await createTopic(broker, { name, numPartitions: -1, replicationFactor: -1 })
  const created = image.topicsByName.get(name)
  if (created) return describeTopic(created)
  return missing(res.errorCode === ErrorCode.NONE ? ErrorCode.LEADER_NOT_AVAILABLE : res.errorCode, name)
}

export default api(
  3,
  { min: 0, max: 12 },
  {
    decode: decodeMetadataRequest,
    encode: encodeMetadataResponse,
    handle: async (req, ctx): Promise<MetadataResponseInput> => {
      const { broker } = ctx
      const image = broker.metadata.image
      const authz = authzOf(ctx)
      const describable = (name: string): boolean => authz.topic(name, AclOperation.DESCRIBE)
      const mayCreate = (name: string): boolean =>
        authz.cluster(AclOperation.CREATE) || authz.topic(name, AclOperation.CREATE)
      const all = req.topics === null || (ctx.apiVersion === 0 && req.topics.length === 0)
      let topics: TopicOut[]
      if (all) {
        // Topics the principal may not describe are left out, as Kafka does.
        topics = [...image.topicsByName.values()].filter((t) => describable(t.name)).map(describeTopic)
      } else {
        const autoCreate = req.allowAutoTopicCreation && broker.config.bool('auto.create.topics.enable')
        topics = await Promise.all(
          (req.topics ?? []).map((t) => {
            if (t.name !== null) {
              if (!describable(t.name)) return missing(ErrorCode.TOPIC_AUTHORIZATION_FAILED, t.name)
              return resolveByName(broker, t.name, autoCreate, mayCreate)
            }
            const byId = image.topicsById.get(t.topicId)
            if (byId && !describable(byId.name)) {
              return missing(ErrorCode.TOPIC_AUTHORIZATION_FAILED, null, t.topicId)
            }
            return Promise.resolve(
              byId ? describeTopic(byId) : missing(ErrorCode.UNKNOWN_TOPIC_ID, null, t.topicId),
            )
          }),
        )
      }
      return {
        throttleTimeMs: 0,
        brokers: [{ nodeId: broker.nodeId, ...ctx.conn.listener.advertised, rack: null }],
        clusterId: broker.clusterId,
        controllerId: broker.nodeId,
        topics: req.includeTopicAuthorizedOperations
          ? topics.map((t) =>
              t.errorCode === ErrorCode.NONE && typeof t.name === 'string'
                ? {
                    ...t,
                    topicAuthorizedOperations: authz.operations(
                      ResourceType.TOPIC,
                      t.name,
                      SUPPORTED_OPERATIONS.topic,
                    ),
                  }
                : t,
            )
          : topics,
        clusterAuthorizedOperations: req.includeClusterAuthorizedOperations
          ? clusterOperations(ctx)
          : undefined,
      }
    },
  },
)
