// CreatePartitions (key 37), v0-v3.
// v1: same as v0. v2: flexible. v3: same as v2. Partition counts only grow: a count that is not larger
// than the current one answers INVALID_PARTITIONS; manual assignments must name this broker only.
// controller_mutation_rate (KIP-599) counts the added partitions: from v3 a topic over the quota gets
// THROTTLING_QUOTA_EXCEEDED; older versions are accepted and the client is throttled after.
import { ErrorCode } from '../../protocol/errors.ts'
import { decodeCreatePartitionsRequest } from '../../protocol/generated/create-partitions-request.ts'
import {
  encodeCreatePartitionsResponse,
  type CreatePartitionsResponseInput,
} from '../../protocol/generated/create-partitions-response.ts'
import { api } from '../registry.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'
import { createPartitions, findTopic } from '../topic-admin.ts'

const THROTTLED = {
  errorCode: ErrorCode.THROTTLING_QUOTA_EXCEEDED,
  errorMessage: 'The throttling quota has been exceeded.',
}

type Result = NonNullable<CreatePartitionsResponseInput['results']>[number]

export default api(
  37,
  { min: 0, max: 3 },
  {
    decode: decodeCreatePartitionsRequest,
    encode: encodeCreatePartitionsResponse,
    handle: async (req, ctx): Promise<CreatePartitionsResponseInput> => {
      const counts = new Map<string, number>()
      for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1)
      const results: Result[] = []
      const mutations = ctx.broker.quotas.mutations(
        ctx.conn.principal,
        ctx.conn.clientId,
        ctx.apiVersion >= 3,
      )
      for (const t of req.topics) {
        if ((counts.get(t.name) ?? 0) > 1) {
          results.push({
            name: t.name,
            errorCode: ErrorCode.INVALID_REQUEST,
            errorMessage: 'Duplicate topic in request.',
          })
          continue
        }
        // ALTER on the topic, checked before its existence as in Kafka.
        if (!authzOf(ctx).topic(t.name, AclOperation.ALTER)) {
          results.push({
            name: t.name,
            errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
            errorMessage: 'The topic authorization is failed.',
          })
          continue
        }
        const found = findTopic(ctx.broker, t.name, null)
        if (!('topic' in found)) {
          results.push({ name: t.name, ...found })
          continue
        }
        if (!req.validateOnly && mutations.refused()) {
          results.push({ name: t.name, ...THROTTLED })
          continue
        }
        const before = found.topic.partitions.length
        const res = await createPartitions(ctx.broker, found.topic, t.count, t.assignments, req.validateOnly)
        if (!req.validateOnly && res.errorCode === ErrorCode.NONE) mutations.record(t.count - before)
        results.push({ name: t.name, ...res })
      }
      return { throttleTimeMs: mutations.throttleMs, results }
    },
  },
)
