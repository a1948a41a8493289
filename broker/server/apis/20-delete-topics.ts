// DeleteTopics (key 20), v0-v6.
// v1: throttleTimeMs. v2, v3: same as v1. v4: flexible. v5: per-topic error messages. v6: topics as
// {name, topicId} so a topic can be deleted by id (name null).
// delete.topic.enable=false answers TOPIC_DELETION_DISABLED; internal topics cannot be deleted.
import { ErrorCode } from '../../protocol/errors.ts'
import { decodeDeleteTopicsRequest } from '../../protocol/generated/delete-topics-request.ts'
import {
  encodeDeleteTopicsResponse,
  type DeleteTopicsResponseInput,
} from '../../protocol/generated/delete-topics-response.ts'
import { ZERO_UUID, isInternalTopic } from '../../metadata/topic-rules.ts'
import { api } from '../registry.ts'
import { deleteTopic, findTopic } from '../topic-admin.ts'

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
      for (const w of wanted) {
        const byId = w.name === null || w.name === ''
        const found = findTopic(broker, w.name, byId ? w.topicId : null)
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
        const res = await deleteTopic(broker, t)
        responses.push({ name: t.name, topicId: t.id, ...res })
      }
      return { throttleTimeMs: 0, responses }
    },
  },
)
