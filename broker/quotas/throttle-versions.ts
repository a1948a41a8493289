// KIP-219: from these versions on, a client honours throttle_time_ms itself, so the broker answers at once
// and mutes the connection afterwards. Older versions get their answer only after the throttle time (the
// broker delays it, as before KIP-219). Taken from the schemas' "on quota violation, brokers send out
// responses before throttling" notes (Produce: v6). APIs not listed here postdate KIP-219: always.
const FIRST_CLIENT_THROTTLED: ReadonlyMap<number, number> = new Map([
  [0, 6], // Produce
  [1, 8], // Fetch
  [2, 3], // ListOffsets
  [3, 6], // Metadata
  [8, 4], // OffsetCommit
  [9, 4], // OffsetFetch
  [10, 2], // FindCoordinator
  [11, 3], // JoinGroup
  [12, 2], // Heartbeat
  [13, 2], // LeaveGroup
  [14, 2], // SyncGroup
  [15, 2], // DescribeGroups
  [16, 2], // ListGroups
  [18, 2], // ApiVersions
  [19, 3], // CreateTopics
  [20, 2], // DeleteTopics
  [21, 1], // DeleteRecords
  [22, 1], // InitProducerId
  [23, 3], // OffsetForLeaderEpoch
  [24, 1], // AddPartitionsToTxn
  [25, 1], // AddOffsetsToTxn
  [26, 1], // EndTxn
  [28, 1], // TxnOffsetCommit
  [29, 1], // DescribeAcls
  [30, 1], // CreateAcls
  [31, 1], // DeleteAcls
  [32, 2], // DescribeConfigs
  [33, 1], // AlterConfigs
  [34, 1], // AlterReplicaLogDirs
  [35, 1], // DescribeLogDirs
  [37, 1], // CreatePartitions
  [42, 1], // DeleteGroups
])

/** True when a response of this API version is sent at once and the client waits out the throttle. */
export function clientThrottles(apiKey: number, version: number): boolean {
  return version >= (FIRST_CLIENT_THROTTLED.get(apiKey) ?? 0)
}
