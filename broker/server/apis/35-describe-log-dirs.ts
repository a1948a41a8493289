// DescribeLogDirs (key 35), v0-v4.
// v1: same as v0. v2: flexible. v3: top-level errorCode. v4: totalBytes and usableBytes per log dir.
// This broker has one log dir (the data directory); offset lag is always 0 (no replica movement).
import fsp from 'node:fs/promises'
import { ErrorCode } from '../../protocol/errors.ts'
import { decodeDescribeLogDirsRequest } from '../../protocol/generated/describe-log-dirs-request.ts'
import {
  encodeDescribeLogDirsResponse,
  type DescribeLogDirsResponseInput,
} from '../../protocol/generated/describe-log-dirs-response.ts'
import { api } from '../registry.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'

interface PartitionOut {
  partitionIndex: number
  partitionSize: bigint
  offsetLag: bigint
  isFutureKey: boolean
}

export default api(
  35,
  { min: 0, max: 4 },
  {
    decode: decodeDescribeLogDirsRequest,
    encode: encodeDescribeLogDirsResponse,
    handle: async (req, ctx): Promise<DescribeLogDirsResponseInput> => {
      const { broker } = ctx
      // DESCRIBE on the cluster; without it the answer is empty (with the error code from v3).
      if (!authzOf(ctx).cluster(AclOperation.DESCRIBE)) {
        return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, results: [] }
      }
      const byTopic = new Map<string, PartitionOut[]>()
      const want =
        req.topics === null ? null : new Map(req.topics.map((t) => [t.topic, new Set(t.partitions)] as const))
      for (const e of broker.logs.partitions()) {
        if (want !== null && !want.get(e.topic)?.has(e.partition)) continue
        let list = byTopic.get(e.topic)
        if (!list) {
          list = []
          byTopic.set(e.topic, list)
        }
        list.push({
          partitionIndex: e.partition,
          partitionSize: BigInt(e.log.size),
          offsetLag: 0n,
          isFutureKey: false,
        })
      }
      let totalBytes = -1n
      let usableBytes = -1n
      if (ctx.apiVersion >= 4) {
        try {
          const s = await fsp.statfs(broker.dataDir, { bigint: true })
          totalBytes = s.blocks * s.bsize
          usableBytes = s.bavail * s.bsize
        } catch {
          // Not every platform has statfs; -1 means unknown.
        }
      }
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        results: [
          {
            errorCode: ErrorCode.NONE,
            logDir: broker.dataDir,
            topics: [...byTopic].map(([name, partitions]) => ({
              name,
              partitions: partitions.sort((a, b) => a.partitionIndex - b.partitionIndex),
            })),
            totalBytes,
            usableBytes,
          },
        ],
      }
    },
  },
)
