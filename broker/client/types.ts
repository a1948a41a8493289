// What the admin operations return and accept. These cross the IPC and WebSocket boundary as plain data,
// so int64 values (offsets, sizes) are decimal strings here: JSON cannot carry bigint, and the UI only
// shows or echoes them.
import type { AclOperationName, AclPatternType, AclPermission, AclResourceType } from './acl-names.ts'

export type Int64String = string

export type SaslMechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'

/** A saved cluster connection. The password is never part of it: a secret store keeps it apart. */
export interface ConnectionConfig {
  id: string
  name: string
  bootstrap: string[]
  sasl: { mechanism: SaslMechanism; username: string } | null
  tls: {
    enabled: boolean
    caPem: string | null
    rejectUnauthorized: boolean
    serverName: string | null
  } | null
}

export type ConnectionFailureStage = 'dns' | 'refused' | 'timeout' | 'tls' | 'auth' | 'version' | 'unknown'

export interface ConnectionTestResult {
  ok: boolean
  /** Where it failed, when it did. */
  stage: ConnectionFailureStage | null
  message: string
  clusterId: string | null
  brokers: number
}

export interface BrokerNode {
  nodeId: number
  host: string
  port: number
  rack: string | null
}

export interface ClusterOverview {
  clusterId: string
  controllerId: number
  brokers: BrokerNode[]
  apis: { apiKey: number; name: string; minVersion: number; maxVersion: number }[]
  topicCount: number
  partitionCount: number
}

export interface TopicSummary {
  name: string
  internal: boolean
  partitions: number
  replicationFactor: number
  /** Bytes on disk over all partitions, or null when the cluster does not answer DescribeLogDirs. */
  sizeBytes: Int64String | null
  /** High watermark minus log start, summed: exact without compaction or transactions, else an upper bound. */
  messageCount: Int64String
}

export interface CreateTopicSpec {
  name: string
  partitions: number
  replicationFactor: number
  configs: Record<string, string>
}

export interface ConfigEntry {
  name: string
  value: string | null
  /** Where the value comes from: 'topic' for an override, 'default', 'broker', 'dynamic-broker', ... */
  source: string
  isDefault: boolean
  readOnly: boolean
  sensitive: boolean
  /** The value it would have without the override, when the cluster reports synonyms. */
  defaultValue: string | null
  documentation: string | null
}

export interface PartitionInfo {
  partition: number
  leader: number
  leaderEpoch: number
  replicas: number[]
  isr: number[]
  offlineReplicas: number[]
  logStartOffset: Int64String
  highWatermark: Int64String
  sizeBytes: Int64String | null
}

export type DecodeFormat = 'text' | 'json' | 'hex' | 'base64'

export interface DecodedPayload {
  format: DecodeFormat
  text: string
  /** Set when the bytes are not valid in the asked format (the text then falls back to hex). */
  error: string | null
  bytes: number
  truncated: boolean
}

export interface MessageView {
  topic: string
  partition: number
  offset: Int64String
  /** Milliseconds since the epoch (safe as a number until the year 285616). */
  timestamp: number
  key: DecodedPayload | null
  value: DecodedPayload | null
  headers: { key: string; value: DecodedPayload | null }[]
  /** Key, value and header bytes of the record. */
  sizeBytes: number
}

export type ReadStart =
  | { kind: 'beginning' }
  | { kind: 'end' }
  | { kind: 'offset'; offset: Int64String }
  | { kind: 'timestamp'; timestamp: number }
  /** Continue a previous page: one next offset per partition. */
  | { kind: 'cursor'; offsets: { partition: number; offset: Int64String }[] }

export interface ReadSpec {
  topic: string
  /** One partition, or null for all partitions. */
  partition: number | null
  from: ReadStart
  direction: 'forward' | 'backward'
  limit: number
  keyFormat: DecodeFormat
  valueFormat: DecodeFormat
  /** Longer keys and values are cut for display. */
  maxPayloadBytes: number
}

export interface MessagePage {
  messages: MessageView[]
  /** Pass as { kind: 'cursor' } with the same direction for the next page. */
  next: { partition: number; offset: Int64String }[]
  /** True when no partition has more in this direction. */
  done: boolean
}

export interface ProduceSpec {
  topic: string
  /** A fixed partition, or null for the default partitioner (murmur2 of the key, like the Java client). */
  partition: number | null
  key: { text: string; format: DecodeFormat } | null
  value: { text: string; format: DecodeFormat } | null
  headers: { key: string; value: string }[]
  compression: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'
}

export interface ProduceResult {
  topic: string
  partition: number
  offset: Int64String
}

export interface GroupSummary {
  groupId: string
  state: string
  protocolType: string
  groupType: string | null
}

export interface GroupMemberView {
  memberId: string
  clientId: string
  clientHost: string
  groupInstanceId: string | null
  assignments: { topic: string; partitions: number[] }[]
}

export interface GroupOffsetView {
  topic: string
  partition: number
  committedOffset: Int64String
  highWatermark: Int64String
  lag: Int64String
}

export interface GroupDetail {
  groupId: string
  state: string
  protocolType: string
  protocol: string
  members: GroupMemberView[]
  offsets: GroupOffsetView[]
  totalLag: Int64String
}

export type ResetTarget =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'timestamp'; timestamp: number }
  | { kind: 'offset'; offset: Int64String }
  | { kind: 'shift'; by: number }

export interface ResetSpec {
  groupId: string
  /** Topics to reset; null for every topic the group has committed offsets for. */
  topics: string[] | null
  to: ResetTarget
}

export interface OffsetChange {
  topic: string
  partition: number
  oldOffset: Int64String | null
  newOffset: Int64String
}

export type QuotaEntityType = 'user' | 'client-id' | 'ip'

export interface QuotaEntry {
  /** Each entity part; a null name is the default entity for its type. */
  entity: { type: QuotaEntityType; name: string | null }[]
  values: Record<string, number>
}

export type { AclOperationName, AclPatternType, AclPermission, AclResourceType } from './acl-names.ts'

export interface AclBinding {
  resourceType: AclResourceType
  resourceName: string
  patternType: AclPatternType
  principal: string
  host: string
  operation: AclOperationName
  permission: AclPermission
}

/** A filter: null fields match anything. */
export interface AclFilterSpec {
  resourceType: AclResourceType | null
  resourceName: string | null
  patternType: AclPatternType | null
  principal: string | null
  host: string | null
  operation: AclOperationName | null
  permission: AclPermission | null
}

export interface TailOptions {
  topic: string
  partitions: number[] | null
  keyFormat: DecodeFormat
  valueFormat: DecodeFormat
  maxPayloadBytes: number
  /** At most this many messages per update. */
  maxPerUpdate: number
  /** Minimum time between updates. */
  intervalMs: number
}

export interface TailUpdate {
  messages: MessageView[]
  /** Messages received but not sent because an update was full (since the tail started). */
  dropped: number
  /** Messages behind the end of the log right now (high watermark minus next offset, summed). */
  lag: Int64String
  /** Set on the last update when the tail stopped because of an error. */
  error: string | null
}

// ---- segment inspection (bundled broker only) ----

export interface SegmentInfo {
  baseOffset: string
  /** Offset of the last record in the segment, or null when it is empty. */
  lastOffset: string | null
  logBytes: number
  indexBytes: number
  timeIndexBytes: number
  batchCount: number
  recordCount: number
  firstTimestamp: number | null
  lastTimestamp: number | null
  /** Set when the scan stopped at bytes that are not a valid batch (e.g. a torn write). */
  problem: string | null
}

export interface SegmentBatch {
  position: number
  baseOffset: string
  lastOffset: string
  sizeBytes: number
  recordCount: number
  magic: number
  crc: number
  crcValid: boolean
  compression: string
  timestampType: 'create' | 'log-append'
  firstTimestamp: number
  maxTimestamp: number
  producerId: string
  producerEpoch: number
  baseSequence: number
  partitionLeaderEpoch: number
  transactional: boolean
  control: boolean
}

export interface SegmentBatchPage {
  batches: SegmentBatch[]
  /** Where the next page starts, or null at the end of the segment. */
  nextPosition: number | null
  /** Set when reading stopped at bytes that are not a valid batch. */
  problem: string | null
}

export interface SegmentIndexPage {
  kind: 'offset' | 'time'
  entries: { offset: string; position: number | null; timestamp: number | null }[]
  /** Entry number to continue from, or null at the end. */
  next: number | null
}
