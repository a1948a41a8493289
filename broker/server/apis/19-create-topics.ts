// CreateTopics (key 19), v0-v7.
// v1: validateOnly and per-topic error messages. v2: throttleTimeMs. v3: same as v2. v4: numPartitions
// and replicationFactor may be -1 (broker default). v5: flexible; the response carries the topic's
// partitions, replication factor and effective configs (topicConfigErrorCode, tagged). v6: same as v5.
// v7: the response carries the topic id.
// controller_mutation_rate (KIP-599): from v6 a topic over the quota gets THROTTLING_QUOTA_EXCEEDED;
// older versions are accepted and the client is throttled after.
// Rules: Kafka's topic name rules, '.'/'_' collisions refused, replication factor must be 1 here (one
// broker), configs validated with the storage engine's topic config rules. Every topic of a request is
// handled on its own: one bad topic does not fail the others.
import { ErrorCode } from '../../protocol/errors.ts'
import { decodeCreateTopicsRequest } from '../../protocol/generated/create-topics-request.ts'
import {
  encodeCreateTopicsResponse,
  type CreateTopicsResponseInput,
} from '../../protocol/generated/create-topics-response.ts'
import type { BrokerState } from '../broker-state.ts'
import { api } from '../registry.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'
import { createTopic } from '../topic-admin.ts'
import { TOPIC_CONFIG_NAMES, describeTopicConfig } from '../topic-configs.ts'

const THROTTLED = {
  errorCode: ErrorCode.THROTTLING_QUOTA_EXCEEDED,
  errorMessage: 'The throttling quota has been exceeded.',
}

type ConfigsOut = NonNullable<NonNullable<CreateTopicsResponseInput['topics']>[number]['configs']>

function effectiveConfigs(broker: BrokerState, overrides: ReadonlyMap<string, string>): ConfigsOut {
  return TOPIC_CONFIG_NAMES.map((name) => {
    const c = describeTopicConfig(broker.config, overrides, name)
    return { name, value: c.value, readOnly: false, configSource: c.source, isSensitive: false }
  })
}

export default api(
  19,
  { min: 0, max: 7 },
  {
    decode: decodeCreateTopicsRequest,
    encode: encodeCreateTopicsResponse,
    handle: async (req, ctx): Promise<CreateTopicsResponseInput> => {
      const { broker } = ctx
      const counts = new Map<string, number>()
      for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1)
      const validateOnly = ctx.apiVersion >= 1 && req.validateOnly
      const mutations = broker.quotas.mutations(ctx.conn.principal, ctx.conn.clientId, ctx.apiVersion >= 6)
      const authz = authzOf(ctx)
      const topics: NonNullable<CreateTopicsResponseInput['topics']>[number][] = []
      for (const t of req.topics) {
        if ((counts.get(t.name) ?? 0) > 1) {
          topics.push({
            name: t.name,
            errorCode: ErrorCode.INVALID_REQUEST,
            errorMessage: `Duplicate topic name ${t.name} in the request.`,
          })
          continue
        }
        // CREATE on the cluster or on the topic, as in Kafka.
        if (!authz.cluster(AclOperation.CREATE) && !authz.topic(t.name, AclOperation.CREATE)) {
          topics.push({
            name: t.name,
            errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
            errorMessage: 'Authorization failed.',
            configs: null,
          })
          continue
        }
        if (!validateOnly && mutations.refused()) {
          topics.push({ name: t.name, configs: null, ...THROTTLED })
          continue
        }
        const res = await createTopic(
          broker,
          {
            name: t.name,
            numPartitions: t.numPartitions,
            replicationFactor: t.replicationFactor,
            assignments: t.assignments,
            configs: t.configs,
          },
          { validateOnly },
        )
        if (res.errorCode !== ErrorCode.NONE || res.topicId === undefined) {
          topics.push({
            name: t.name,
            errorCode: res.errorCode,
            errorMessage: res.errorMessage,
            configs: null,
          })
          continue
        }
        if (!validateOnly) mutations.record(res.numPartitions)
        // The created topic's settings are shown only with DESCRIBE_CONFIGS on it.
        if (!authz.topic(t.name, AclOperation.DESCRIBE_CONFIGS)) {
          topics.push({
            name: t.name,
            topicId: res.topicId === '' ? undefined : res.topicId,
            errorCode: ErrorCode.NONE,
            errorMessage: null,
            numPartitions: -1,
            replicationFactor: -1,
            configs: [],
            topicConfigErrorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
          })
          continue
        }
        const overrides = new Map(t.configs.map((c) => [c.name, c.value ?? '']))
        topics.push({
          name: t.name,
          topicId: res.topicId === '' ? undefined : res.topicId,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          numPartitions: res.numPartitions,
          replicationFactor: res.replicationFactor,
          configs: effectiveConfigs(broker, overrides),
        })
      }
      return { throttleTimeMs: mutations.throttleMs, topics }
    },
  },
)
