// TxnOffsetCommit (key 28), v0-v4. Offsets committed inside a transaction: the group coordinator stores
// them in a transactional batch and keeps them pending until the transaction's marker (OffsetFetch with
// requireStable answers UNSTABLE_OFFSET_COMMIT meanwhile); commit makes them visible, abort drops them.
// The producer must be the transactional id's current one, with the group added by AddOffsetsToTxn.
// v1: same as v0. v2: committedLeaderEpoch. v3: generationId, memberId, groupInstanceId (KIP-447);
// PRODUCER_FENCED may be returned (older versions get INVALID_PRODUCER_EPOCH). v3: flexible versions.
// v4: TRANSACTION_ABORTABLE may be returned (never here).
// Needs WRITE on the transactional id, READ on the group and READ on each topic.
import { ErrorCode } from '../../protocol/errors.ts'
import { decodeTxnOffsetCommitRequest } from '../../protocol/generated/txn-offset-commit-request.ts'
import {
  encodeTxnOffsetCommitResponse,
  type TxnOffsetCommitResponseInput,
} from '../../protocol/generated/txn-offset-commit-response.ts'
import { forVersion } from '../../txn/errors.ts'
import { api } from '../registry.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'

export default api(
  28,
  { min: 0, max: 4 },
  {
    decode: decodeTxnOffsetCommitRequest,
    encode: encodeTxnOffsetCommitResponse,
    handle: async (req, ctx): Promise<TxnOffsetCommitResponseInput> => {
      const all = (code: number | ((topic: string) => number)): TxnOffsetCommitResponseInput => ({
        throttleTimeMs: 0,
        topics: req.topics.map((t) => {
          const errorCode = typeof code === 'number' ? code : code(t.name)
          return {
            name: t.name,
            partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
          }
        }),
      })
      const { txn, groups } = ctx.broker
      const authz = authzOf(ctx)
      if (!authz.transactionalId(req.transactionalId, AclOperation.WRITE)) {
        return all(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
      }
      if (!authz.group(req.groupId, AclOperation.READ)) return all(ErrorCode.GROUP_AUTHORIZATION_FAILED)
      // Topics without READ answer TOPIC_AUTHORIZATION_FAILED whatever happens to the others.
      const readable = (name: string): boolean => authz.topic(name, AclOperation.READ)
      const orDenied =
        (code: number) =>
        (topic: string): number =>
          readable(topic) ? code : ErrorCode.TOPIC_AUTHORIZATION_FAILED
      if (!txn.loaded) return all(orDenied(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS))
      const check = txn.checkOffsetCommit(req.transactionalId, req.producerId, req.producerEpoch, req.groupId)
      if (check !== ErrorCode.NONE) return all(orDenied(forVersion(check, ctx.apiVersion, 3)))
      const committed = await groups.txnCommitOffsets({
        groupId: req.groupId,
        producerId: req.producerId,
        producerEpoch: req.producerEpoch,
        generationId: ctx.apiVersion >= 3 ? req.generationId : -1,
        memberId: ctx.apiVersion >= 3 ? req.memberId : '',
        groupInstanceId: ctx.apiVersion >= 3 ? req.groupInstanceId : null,
        topics: req.topics
          .filter((t) => readable(t.name))
          .map((t) => ({
            name: t.name,
            partitions: t.partitions.map((p) => ({
              partitionIndex: p.partitionIndex,
              offset: p.committedOffset,
              leaderEpoch: p.committedLeaderEpoch,
              metadata: p.committedMetadata,
            })),
          })),
      })
      if (authz.all) return { throttleTimeMs: 0, topics: committed }
      const byName = new Map(committed.map((t) => [t.name, t]))
      const denied = new Map((all(ErrorCode.TOPIC_AUTHORIZATION_FAILED).topics ?? []).map((t) => [t.name, t]))
      return {
        throttleTimeMs: 0,
        topics: req.topics.map(
          (t) =>
            (readable(t.name) ? byName.get(t.name) : denied.get(t.name)) ?? { name: t.name, partitions: [] },
        ),
      }
    },
  },
)
