// The metadata records the broker writes, as plain values. They mirror the KRaft record schemas in
// ../shared/kafka-protocol/metadata/ (the `apiKey` of each schema is the record type), so the log on
// disk uses Kafka's own metadata record format. Topic ids are Kafka UUIDs as 22 base64url chars (the Reader/Writer form).

export const RecordType = {
  TOPIC: 2,
  PARTITION: 3,
  CONFIG: 4,
  REMOVE_TOPIC: 9,
  USER_SCRAM_CREDENTIAL: 11,
  CLIENT_QUOTA: 14,
  ACCESS_CONTROL_ENTRY: 18,
  REMOVE_ACCESS_CONTROL_ENTRY: 19,
  REMOVE_USER_SCRAM_CREDENTIAL: 22,
} as const

/** ConfigRecord.ResourceType values (same as DescribeConfigs' resource types). */
export const ConfigResourceType = {
  TOPIC: 2,
  BROKER: 4,
} as const

export interface TopicRecordValue {
  type: typeof RecordType.TOPIC
  name: string
  topicId: string
}

export interface PartitionRecordValue {
  type: typeof RecordType.PARTITION
  partitionId: number
  topicId: string
  replicas: number[]
  isr: number[]
  leader: number
  leaderEpoch: number
  partitionEpoch: number
}

export interface ConfigRecordValue {
  type: typeof RecordType.CONFIG
  resourceType: number
  resourceName: string
  name: string
  /** null removes the override. */
  value: string | null
}

export interface RemoveTopicRecordValue {
  type: typeof RecordType.REMOVE_TOPIC
  topicId: string
}

/** One part of a client quota entity: type `user`, `client-id` or `ip`; a null name is the default. */
export interface QuotaEntityPart {
  entityType: string
  entityName: string | null
}

export interface ClientQuotaRecordValue {
  type: typeof RecordType.CLIENT_QUOTA
  entity: QuotaEntityPart[]
  key: string
  value: number
  /** true removes the quota value. */
  remove: boolean
}

/** One ACL binding; the numeric codes are Kafka's (ResourceType, PatternType, AclOperation, AclPermissionType). */
export interface AclBindingValue {
  resourceType: number
  resourceName: string
  patternType: number
  principal: string
  host: string
  operation: number
  permissionType: number
}

export interface AccessControlEntryRecordValue extends AclBindingValue {
  type: typeof RecordType.ACCESS_CONTROL_ENTRY
  /** Kafka UUID, 22 base64url chars. */
  id: string
}

export interface RemoveAccessControlEntryRecordValue {
  type: typeof RecordType.REMOVE_ACCESS_CONTROL_ENTRY
  id: string
}

/** A SCRAM credential: salt and derived keys only, never the password. Mechanism 1 = SHA-256, 2 = SHA-512. */
export interface UserScramCredentialRecordValue {
  type: typeof RecordType.USER_SCRAM_CREDENTIAL
  name: string
  mechanism: number
  salt: Buffer
  storedKey: Buffer
  serverKey: Buffer
  iterations: number
}

export interface RemoveUserScramCredentialRecordValue {
  type: typeof RecordType.REMOVE_USER_SCRAM_CREDENTIAL
  name: string
  mechanism: number
}

export type MetadataRecord =
  | TopicRecordValue
  | PartitionRecordValue
  | ConfigRecordValue
  | RemoveTopicRecordValue
  | ClientQuotaRecordValue
  | AccessControlEntryRecordValue
  | RemoveAccessControlEntryRecordValue
  | UserScramCredentialRecordValue
  | RemoveUserScramCredentialRecordValue
