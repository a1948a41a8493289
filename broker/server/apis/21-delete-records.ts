// DeleteRecords (key 21), v0-v2.
// v1: same as v0. v2: flexible versions.
// Moves each partition's log start offset to the requested offset (-1: the high watermark) and deletes the
// segments wholly below it; answers the new low watermark. Beyond the high watermark: OFFSET_OUT_OF_RANGE.
// Needs DELETE on the topic (TOPIC_AUTHORIZATION_FAILED per partition).
// Offsets below the current log start leave it where it is (Kafka answers the current low watermark).
import { ErrorCode } from '../../protocol/errors.ts'
import { decodeDeleteRecordsRequest } from '../../protocol/generated/delete-records-request.ts'
import {
  encodeDeleteRecordsResponse,
  type DeleteRecordsResponseInput,
} from '../../protocol/generated/delete-records-response.ts'
import { StorageError } from '../../storage/errors.ts'
import { api } from '../registry.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'

export default api(
  21,
  { min: 0, max: 2 },
  {
    decode: decodeDeleteRecordsRequest,
    encode: encodeDeleteRecordsResponse,
    handle: async (req, ctx): Promise<DeleteRecordsResponseInput> => {
      const { broker } = ctx
      const topics = await Promise.all(
        req.topics.map(async (t) => ({
          name: t.name,
          partitions: await Promise.all(
            t.partitions.map(async (p) => {
              if (!authzOf(ctx).topic(t.name, AclOperation.DELETE)) {
                return {
                  partitionIndex: p.partitionIndex,
                  lowWatermark: -1n,
                  errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
                }
              }
              const known = broker.metadata.image.topicsByName.get(t.name)?.partitions[p.partitionIndex]
              const log = known === undefined ? undefined : broker.logs.getLog(t.name, p.partitionIndex)
              if (log === undefined) {
                return {
                  partitionIndex: p.partitionIndex,
                  lowWatermark: -1n,
                  errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                }
              }
              if (p.offset < -1n) {
                return {
                  partitionIndex: p.partitionIndex,
                  lowWatermark: -1n,
                  errorCode: ErrorCode.OFFSET_OUT_OF_RANGE,
                }
              }
              try {
                const lowWatermark = await log.deleteRecordsBefore(p.offset)
                return { partitionIndex: p.partitionIndex, lowWatermark, errorCode: ErrorCode.NONE }
              } catch (err) {
                if (!(err instanceof StorageError)) throw err
                return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: err.errorCode }
              }
            }),
          ),
        })),
      )
      return { throttleTimeMs: 0, topics }
    },
  },
)
