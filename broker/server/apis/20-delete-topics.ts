// DeleteTopics (key 20), v0-v6.
// v1: throttleTimeMs. v2, v3: same as v1. v4: flexible. v5: per-topic error messages. v6: topics as
// {name, topicId} so a topic can be deleted by id (name null).
// Needs DELETE on each topic (and DESCRIBE when named by id) else TOPIC_AUTHORIZATION_FAILED.
// delete.topic.enable=false answers TOPIC_DELETION_DISABLED; internal topics cannot be deleted.
// controller_mutation_rate (KIP-599) counts the deleted partitions: from v5 a topic over the quota gets
// THROTTLING_QUOTA_EXCEEDED; older versions are accepted and the client is throttled after.
import { ErrorCode } from '../../protocol/errors.ts'
import { decodeDeleteTopicsRequest } from '../../protocol/generated/delete-topics-request.ts'
import {
  encodeDeleteTopicsResponse,
  type DeleteTopicsResponseInput,
} from '../../protocol/generated/delete-topics-response.ts'
import { ZERO_UUID, isInternalTopic } from '../../metadata/topic-rules.ts'
import { api } from '../registry.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'
import { deleteTopic, findTopic } from '../topic-admin.ts'

const THROTTLED = {
  errorCode: ErrorCode.THROTTLING_QUOTA_EXCEEDED,
  errorMessage: 'The throttling quota has been exceeded.',
}

type Result = NonNullable<DeleteTopicsResponseInput['responses']>[number]

export default api(
  20,
  { min: 0, max: 6 },
  {
    decode: decodeDeleteTopicsRequest,
    encode: encodeDeleteTopicsResponse,
    handle: async (req, ctx): Promise<DeleteTopicsResponseInput> => {
      const { broker } = ctx
      const wanted =
        ctx.apiVersion >= 6
          ? req.topics.map((t) => ({ name: t.name, topicId: t.topicId }))
          : req.topicNames.map((name) => ({ name, topicId: ZERO_UUID }))
      const responses: Result[] = []
      const mutations = broker.quotas.mutations(ctx.conn.principal, ctx.conn.clientId, ctx.apiVersion >= 5)
      const authz = authzOf(ctx)
      const denied = {
        errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
        errorMessage: 'Authorization failed.',
      }
      for (const w of wanted) {
        const byId = w.name === null || w.name === ''
        const found = findTopic(broker, w.name, byId ? w.topicId : null)
        const name = 'topic' in found ? found.topic.name : w.name
        if (byId && 'topic' in found && !authz.topic(found.topic.name, AclOperation.DESCRIBE)) {
          // The client may not know this id's topic: its name stays out of the answer.
          responses.push({ name: null, topicId: w.topicId, ...denied })
          continue
        }
        if (name !== null && name !== '' && !authz.topic(name, AclOperation.DELETE)) {
          responses.push({ name, topicId: 'topic' in found ? found.topic.id : w.topicId, ...denied })
          continue
        }
        if (!('topic' in found)) {
          responses.push({ name: w.name, topicId: w.topicId, ...found })
          continue
        }
        const t = found.topic
        if (isInternalTopic(t.name)) {
          responses.push({
            name: t.name,
            topicId: t.id,
            errorCode: ErrorCode.INVALID_REQUEST,
            errorMessage: `Cannot delete internal topic ${t.name}.`,
          })
          continue
        }
        if (mutations.refused()) {
          responses.push({ name: t.name, topicId: t.id, ...THROTTLED })
          continue
        }
        mutations.record(t.partitions.length)
        const res = await deleteTopic(broker, t)
        responses.push({ name: t.name, topicId: t.id, ...res })
      }
      return { throttleTimeMs: mutations.throttleMs, responses }
    },
  },
)
