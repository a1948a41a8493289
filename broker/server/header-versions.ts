// First flexible version of every API (request header v2 / response header v1 from there on), by API
// key. Kept apart from the generated apis.ts because that table imports every codec module, which the
// broker should not load at startup; test/server/header-versions.test.ts checks it against the schemas.
const FLEXIBLE_MIN: Readonly<Record<number, number | null>> = {
  0: 9, // Produce
  1: 12, // Fetch
  2: 6, // ListOffsets
  3: 9, // Metadata
  4: 4, // LeaderAndIsr
  5: 2, // StopReplica
  6: 6, // UpdateMetadata
  7: 3, // ControlledShutdown
  8: 8, // OffsetCommit
  9: 6, // OffsetFetch
  10: 3, // FindCoordinator
  11: 6, // JoinGroup
  12: 4, // Heartbeat
  13: 4, // LeaveGroup
  14: 4, // SyncGroup
  15: 5, // DescribeGroups
  16: 3, // ListGroups
  17: null, // SaslHandshake
  18: 3, // ApiVersions
  19: 5, // CreateTopics
  20: 4, // DeleteTopics
  21: 2, // DeleteRecords
  22: 2, // InitProducerId
  23: 4, // OffsetForLeaderEpoch
  24: 3, // AddPartitionsToTxn
  25: 3, // AddOffsetsToTxn
  26: 3, // EndTxn
  27: 1, // WriteTxnMarkers
  28: 3, // TxnOffsetCommit
  29: 2, // DescribeAcls
  30: 2, // CreateAcls
  31: 2, // DeleteAcls
  32: 4, // DescribeConfigs
  33: 2, // AlterConfigs
  34: 2, // AlterReplicaLogDirs
  35: 2, // DescribeLogDirs
  36: 2, // SaslAuthenticate
  37: 2, // CreatePartitions
  38: 2, // CreateDelegationToken
  39: 2, // RenewDelegationToken
  40: 2, // ExpireDelegationToken
  41: 2, // DescribeDelegationToken
  42: 2, // DeleteGroups
  43: 2, // ElectLeaders
  44: 1, // IncrementalAlterConfigs
  45: 0, // AlterPartitionReassignments
  46: 0, // ListPartitionReassignments
  47: null, // OffsetDelete
  48: 1, // DescribeClientQuotas
  49: 1, // AlterClientQuotas
  50: 0, // DescribeUserScramCredentials
  51: 0, // AlterUserScramCredentials
  52: 0, // Vote
  53: 1, // BeginQuorumEpoch
  54: 1, // EndQuorumEpoch
  55: 0, // DescribeQuorum
  56: 0, // AlterPartition
  57: 0, // UpdateFeatures
  58: 0, // Envelope
  59: 0, // FetchSnapshot
  60: 0, // DescribeCluster
  61: 0, // DescribeProducers
  62: 0, // BrokerRegistration
  63: 0, // BrokerHeartbeat
  64: 0, // UnregisterBroker
  65: 0, // DescribeTransactions
  66: 0, // ListTransactions
  67: 0, // AllocateProducerIds
  68: 0, // ConsumerGroupHeartbeat
  69: 0, // ConsumerGroupDescribe
  70: 0, // ControllerRegistration
  71: 0, // GetTelemetrySubscriptions
  72: 0, // PushTelemetry
  73: 0, // AssignReplicasToDirs
  74: 0, // ListClientMetricsResources
  75: 0, // DescribeTopicPartitions
  76: 0, // ShareGroupHeartbeat
  77: 0, // ShareGroupDescribe
  78: 0, // ShareFetch
  79: 0, // ShareAcknowledge
  80: 0, // AddRaftVoter
  81: 0, // RemoveRaftVoter
  82: 0, // UpdateRaftVoter
  83: 0, // InitializeShareGroupState
  84: 0, // ReadShareGroupState
  85: 0, // WriteShareGroupState
  86: 0, // DeleteShareGroupState
  87: 0, // ReadShareGroupStateSummary
}

const API_VERSIONS_KEY = 18
const CONTROLLED_SHUTDOWN_KEY = 7

export function flexibleMin(apiKey: number): number | null {
  return FLEXIBLE_MIN[apiKey] ?? null
}

export function requestHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 | 2 {
  if (apiKey === CONTROLLED_SHUTDOWN_KEY && apiVersion === 0) return 0
  const f = flexibleMin(apiKey)
  return f !== null && apiVersion >= f ? 2 : 1
}

export function responseHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 {
  if (apiKey === API_VERSIONS_KEY) return 0
  const f = flexibleMin(apiKey)
  return f !== null && apiVersion >= f ? 1 : 0
}
