// AlterUserScramCredentials (key 51), v0 (flexible). Upsertions carry the client-salted password; the
// broker stores only salt, iterations, StoredKey and ServerKey (UserScramCredentialRecord). One result
// per user; a user named twice for the same mechanism is DUPLICATE_RESOURCE, as in Kafka.
import { decodeAlterUserScramCredentialsRequest } from '../../protocol/generated/alter-user-scram-credentials-request.ts'
import {
  encodeAlterUserScramCredentialsResponse,
  type AlterUserScramCredentialsResponseInput,
} from '../../protocol/generated/alter-user-scram-credentials-response.ts'
import { ErrorCode } from '../../protocol/errors.ts'
import { RecordType, type MetadataRecord } from '../../metadata/records.ts'
import { clusterAllowed } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'
import { deriveKeys, MAX_ITERATIONS, mechanismByCode } from '../../security/scram.ts'
import { api } from '../registry.ts'

type Result = NonNullable<AlterUserScramCredentialsResponseInput['results']>[number]

export default api(
  51,
  { min: 0, max: 0 },
  {
    decode: decodeAlterUserScramCredentialsRequest,
    encode: encodeAlterUserScramCredentialsResponse,
    handle: async (req, ctx): Promise<AlterUserScramCredentialsResponseInput> => {
      const users = [...req.deletions.map((d) => d.name), ...req.upsertions.map((u) => u.name)]
      if (!clusterAllowed(ctx, AclOperation.ALTER)) {
        const unique = [...new Set(users)]
        return {
          throttleTimeMs: 0,
          results: unique.map((user) => ({ user, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED })),
        }
      }
      const image = ctx.broker.metadata.image
      const errors = new Map<string, { code: number; message: string }>()
      const fail = (user: string, code: number, message: string): void => {
        if (!errors.has(user)) errors.set(user, { code, message })
      }
      const seen = new Set<string>()
      const ops = [
        ...req.deletions.map((d) => ({ name: d.name, mechanism: d.mechanism, upsert: null })),
        ...req.upsertions.map((u) => ({ name: u.name, mechanism: u.mechanism, upsert: u })),
      ]
      for (const op of ops) {
        const key = `${op.mechanism}:${op.name}`
        if (seen.has(key))
          fail(
            op.name,
            ErrorCode.DUPLICATE_RESOURCE,
            'A user credential cannot be altered twice in the same request',
          )
        seen.add(key)
      }
      const records: MetadataRecord[] = []
      for (const op of ops) {
        if (op.name === '') {
          fail(op.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty')
          continue
        }
        const mech = mechanismByCode(op.mechanism)
        if (!mech) {
          fail(op.name, ErrorCode.UNSUPPORTED_SASL_MECHANISM, 'Unknown SCRAM mechanism')
          continue
        }
        if (op.upsert === null) {
          if (!image.scramCredentials.has(`${op.mechanism}:${op.name}`)) {
            fail(
              op.name,
              ErrorCode.RESOURCE_NOT_FOUND,
              'Attempt to delete a user credential that does not exist',
            )
            continue
          }
          records.push({
            type: RecordType.REMOVE_USER_SCRAM_CREDENTIAL,
            name: op.name,
            mechanism: op.mechanism,
          })
          continue
        }
        const u = op.upsert
        if (u.iterations < mech.minIterations || u.iterations > MAX_ITERATIONS) {
          fail(
            op.name,
            ErrorCode.UNACCEPTABLE_CREDENTIAL,
            `Iterations must be between ${mech.minIterations} and ${MAX_ITERATIONS}`,
          )
          continue
        }
        if (u.salt.length === 0 || u.saltedPassword.length === 0) {
          fail(op.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Salt and salted password must not be empty')
          continue
        }
        const { storedKey, serverKey } = deriveKeys(mech, u.saltedPassword)
        records.push({
          type: RecordType.USER_SCRAM_CREDENTIAL,
          name: op.name,
          mechanism: op.mechanism,
          salt: u.salt,
          storedKey,
          serverKey,
          iterations: u.iterations,
        })
      }
      // A user with any error gets none of its changes.
      const good = records.filter((r) => 'name' in r && !errors.has(r.name))
      await ctx.broker.metadata.commit(good)
      const results: Result[] = [...new Set(users)].map((user) => {
        const e = errors.get(user)
        return e
          ? { user, errorCode: e.code, errorMessage: e.message }
          : { user, errorCode: ErrorCode.NONE, errorMessage: null }
      })
      return { throttleTimeMs: 0, results }
    },
  },
)
