// DescribeUserScramCredentials (key 50), v0 (flexible). Lists mechanisms and iteration counts per user
// (never salts or keys); null or empty `users` means every user with a credential.
import { decodeDescribeUserScramCredentialsRequest } from '../../protocol/generated/describe-user-scram-credentials-request.ts'
import {
  encodeDescribeUserScramCredentialsResponse,
  type DescribeUserScramCredentialsResponseInput,
} from '../../protocol/generated/describe-user-scram-credentials-response.ts'
import { ErrorCode } from '../../protocol/errors.ts'
import { clusterAllowed } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'
import { api } from '../registry.ts'

type Result = NonNullable<DescribeUserScramCredentialsResponseInput['results']>[number]

export default api(
  50,
  { min: 0, max: 0 },
  {
    decode: decodeDescribeUserScramCredentialsRequest,
    encode: encodeDescribeUserScramCredentialsResponse,
    handle: (req, ctx): DescribeUserScramCredentialsResponseInput => {
      if (!clusterAllowed(ctx, AclOperation.DESCRIBE)) {
        return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, results: [] }
      }
      const byUser = new Map<string, { mechanism: number; iterations: number }[]>()
      for (const c of ctx.broker.metadata.image.scramCredentials.values()) {
        const list = byUser.get(c.name) ?? []
        list.push({ mechanism: c.mechanism, iterations: c.iterations })
        byUser.set(c.name, list)
      }
      const results: Result[] = []
      if (!req.users || req.users.length === 0) {
        for (const [user, credentialInfos] of byUser) {
          results.push({ user, errorCode: ErrorCode.NONE, errorMessage: null, credentialInfos })
        }
        return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, results }
      }
      const counts = new Map<string, number>()
      for (const u of req.users) counts.set(u.name, (counts.get(u.name) ?? 0) + 1)
      for (const [user, n] of counts) {
        const infos = byUser.get(user)
        if (n > 1) {
          results.push({
            user,
            errorCode: ErrorCode.DUPLICATE_RESOURCE,
            errorMessage: 'Cannot describe SCRAM credentials for the same user twice in a single request',
          })
        } else if (!infos) {
          results.push({
            user,
            errorCode: ErrorCode.RESOURCE_NOT_FOUND,
            errorMessage: `Attempt to describe a user credential that does not exist: ${user}`,
          })
        } else {
          results.push({ user, errorCode: ErrorCode.NONE, errorMessage: null, credentialInfos: infos })
        }
      }
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, results }
    },
  },
)
