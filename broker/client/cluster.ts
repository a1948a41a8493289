// Cluster overview: brokers, controller, the APIs (and versions) the cluster serves.
import type { ClusterClient } from './cluster-client.ts'
import { toAdminError } from './errors.ts'
import type { ClusterOverview } from './types.ts'

export async function describeCluster(client: ClusterClient): Promise<ClusterOverview> {
  try {
    const admin = client.admin
    const metadata = await admin.metadata({
      topics: await admin.listTopics({ includeInternals: true }),
      forceUpdate: true,
    })
    const apis = await admin.listApis()
    // Topics the cluster listed but could not describe (e.g. mid-deletion) are left out of the counts.
    const described = [...metadata.topics.values()].filter((t) => t !== undefined)
    const partitionCount = described.reduce((n, t) => n + t.partitionsCount, 0)
    return {
      clusterId: metadata.id,
      controllerId: metadata.controllerId,
      brokers: [...metadata.brokers.entries()]
        .map(([nodeId, b]) => ({ nodeId, host: b.host, port: b.port, rack: b.rack ?? null }))
        .sort((a, b) => a.nodeId - b.nodeId),
      apis: apis
        .map((a) => ({ apiKey: a.apiKey, name: a.name, minVersion: a.minVersion, maxVersion: a.maxVersion }))
        .sort((a, b) => a.apiKey - b.apiKey),
      topicCount: described.length,
      partitionCount,
    }
  } catch (error) {
    throw toAdminError(error)
  }
}
