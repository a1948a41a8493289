// CreateAcls (key 30), v1-v3 (v0 predates prefixed patterns). v2: flexible.
// Valid bindings not stored yet become AccessControlEntryRecords, committed as one metadata batch;
// an existing identical binding is not stored twice. Invalid ones answer INVALID_REQUEST.
import { decodeCreateAclsRequest } from '../../protocol/generated/create-acls-request.ts'
import {
  encodeCreateAclsResponse,
  type CreateAclsResponseInput,
} from '../../protocol/generated/create-acls-response.ts'
import { ErrorCode } from '../../protocol/errors.ts'
import {
  RecordType,
  type AccessControlEntryRecordValue,
  type AclBindingValue,
} from '../../metadata/records.ts'
import { clusterAllowed, newAclId } from '../../security/acl-admin.ts'
import { AclError, AclOperation, validateBinding } from '../../security/acl-authorizer.ts'
import { api } from '../registry.ts'

const sameBinding = (a: AclBindingValue, b: AclBindingValue): boolean =>
  a.resourceType === b.resourceType &&
  a.resourceName === b.resourceName &&
  a.patternType === b.patternType &&
  a.principal === b.principal &&
  a.host === b.host &&
  a.operation === b.operation &&
  a.permissionType === b.permissionType

export default api(
  30,
  { min: 1, max: 3 },
  {
    decode: decodeCreateAclsRequest,
    encode: encodeCreateAclsResponse,
    handle: async (req, ctx): Promise<CreateAclsResponseInput> => {
      if (!clusterAllowed(ctx, AclOperation.ALTER)) {
        return {
          throttleTimeMs: 0,
          results: req.creations.map(() => ({ errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED })),
        }
      }
      const results: NonNullable<CreateAclsResponseInput['results']>[number][] = []
      const records: AccessControlEntryRecordValue[] = []
      const existing = [...ctx.broker.metadata.image.acls.values()]
      for (const c of req.creations) {
        const binding: AclBindingValue = {
          resourceType: c.resourceType,
          resourceName: c.resourceName,
          patternType: c.resourcePatternType,
          principal: c.principal,
          host: c.host,
          operation: c.operation,
          permissionType: c.permissionType,
        }
        try {
          validateBinding(binding)
        } catch (err) {
          if (!(err instanceof AclError)) throw err
          results.push({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: err.message })
          continue
        }
        if (!existing.some((e) => sameBinding(e, binding))) {
          existing.push(binding)
          records.push({ type: RecordType.ACCESS_CONTROL_ENTRY, id: newAclId(), ...binding })
        }
        results.push({ errorCode: ErrorCode.NONE, errorMessage: null })
      }
      await ctx.broker.metadata.commit(records)
      return { throttleTimeMs: 0, results }
    },
  },
)
