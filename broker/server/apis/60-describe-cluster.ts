// DescribeCluster (key 60), v0-v1 (flexible from v0).
// v1: endpointType in the request (1 = brokers, 2 = controllers; a broker answers only for brokers) and
// the response. This single-node cluster is its own controller. No authorization is needed; the cluster's
// authorized operations, when asked for, are 0 without DESCRIBE on it (as in Kafka).
import { ErrorCode } from '../../protocol/errors.ts'
import { decodeDescribeClusterRequest } from '../../protocol/generated/describe-cluster-request.ts'
import {
  encodeDescribeClusterResponse,
  type DescribeClusterResponseInput,
} from '../../protocol/generated/describe-cluster-response.ts'
import { api } from '../registry.ts'
import { clusterOperations } from '../../security/acl-admin.ts'

const BROKERS_ENDPOINT = 1

export default api(
  60,
  { min: 0, max: 1 },
  {
    decode: decodeDescribeClusterRequest,
    encode: encodeDescribeClusterResponse,
    handle: (req, ctx): DescribeClusterResponseInput => {
      const { broker } = ctx
      if (ctx.apiVersion >= 1 && req.endpointType !== BROKERS_ENDPOINT) {
        return {
          errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE,
          errorMessage: 'The broker only handles the BROKER endpoint type',
          endpointType: req.endpointType,
          clusterId: broker.clusterId,
        }
      }
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        endpointType: BROKERS_ENDPOINT,
        clusterId: broker.clusterId,
        controllerId: broker.nodeId,
        brokers: [{ brokerId: broker.nodeId, ...ctx.conn.listener.advertised, rack: null }],
        clusterAuthorizedOperations: req.includeClusterAuthorizedOperations
          ? clusterOperations(ctx)
          : undefined,
      }
    },
  },
)
