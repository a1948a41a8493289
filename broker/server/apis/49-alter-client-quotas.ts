// AlterClientQuotas (key 49), v0-v1. v1: flexible.
// Each entry sets or removes quota values of one entity, all-or-nothing per entry: every op is checked
// first, then the entry's ClientQuotaRecords are committed as one metadata batch. An invalid entity or
// key answers INVALID_REQUEST for that entry only. Needs ALTER_CONFIGS on the cluster (per entry error).
import { decodeAlterClientQuotasRequest } from '../../protocol/generated/alter-client-quotas-request.ts'
import {
  encodeAlterClientQuotasResponse,
  type AlterClientQuotasResponseInput,
} from '../../protocol/generated/alter-client-quotas-response.ts'
import { ErrorCode } from '../../protocol/errors.ts'
import { RecordType, type ClientQuotaRecordValue } from '../../metadata/records.ts'
import { QuotaError, validateEntity, validateQuotaValue } from '../../quotas/client-quotas.ts'
import { api } from '../registry.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'

export default api(
  49,
  { min: 0, max: 1 },
  {
    decode: decodeAlterClientQuotasRequest,
    encode: encodeAlterClientQuotasResponse,
    handle: async (req, ctx): Promise<AlterClientQuotasResponseInput> => {
      const entries: NonNullable<AlterClientQuotasResponseInput['entries']>[number][] = []
      const mayAlter = authzOf(ctx).cluster(AclOperation.ALTER_CONFIGS)
      for (const e of req.entries) {
        const entity = e.entity.map((p) => ({ entityType: p.entityType, entityName: p.entityName }))
        if (!mayAlter) {
          entries.push({ errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: null, entity })
          continue
        }
        try {
          validateEntity(entity)
          const keys = new Set<string>()
          const records: ClientQuotaRecordValue[] = []
          for (const op of e.ops) {
            if (keys.has(op.key)) throw new QuotaError(`Duplicate quota key ${op.key}`)
            keys.add(op.key)
            if (!op.remove) validateQuotaValue(entity, op.key, op.value)
            records.push({
              type: RecordType.CLIENT_QUOTA,
              entity,
              key: op.key,
              value: op.value,
              remove: op.remove,
            })
          }
          if (!req.validateOnly) await ctx.broker.metadata.commit(records)
          entries.push({ errorCode: ErrorCode.NONE, errorMessage: null, entity })
        } catch (err) {
          if (!(err instanceof QuotaError)) throw err
          entries.push({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: err.message, entity })
        }
      }
      return { throttleTimeMs: 0, entries }
    },
  },
)
