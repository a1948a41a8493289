// The broker configs the group coordinator reads, with Kafka's names (see broker/server/config.ts).
import type { BrokerConfig } from '../server/config.ts'

export interface GroupConfig {
  minSessionTimeoutMs: number
  maxSessionTimeoutMs: number
  initialRebalanceDelayMs: number
  maxGroupSize: number
  offsetsRetentionMs: number
  offsetsRetentionCheckIntervalMs: number
  offsetMetadataMaxBytes: number
  offsetsTopicPartitions: number
}

/** How long a member that joined without a member id has to finish its first rebalance (Kafka's value). */
export const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000

export const DEFAULT_GROUP_CONFIG: GroupConfig = {
  minSessionTimeoutMs: 6000,
  maxSessionTimeoutMs: 1800000,
  initialRebalanceDelayMs: 0,
  maxGroupSize: 2147483647,
  offsetsRetentionMs: 10080 * 60 * 1000,
  offsetsRetentionCheckIntervalMs: 600000,
  offsetMetadataMaxBytes: 4096,
  offsetsTopicPartitions: 50,
}

export function groupConfigFrom(config: BrokerConfig): GroupConfig {
  const int = (name: string, fallback: number): number =>
    config.get(name) === null ? fallback : config.int(name)
  const d = DEFAULT_GROUP_CONFIG
  return {
    minSessionTimeoutMs: int('group.min.session.timeout.ms', d.minSessionTimeoutMs),
    maxSessionTimeoutMs: int('group.max.session.timeout.ms', d.maxSessionTimeoutMs),
    initialRebalanceDelayMs: int('group.initial.rebalance.delay.ms', d.initialRebalanceDelayMs),
    maxGroupSize: int('group.max.size', d.maxGroupSize),
    offsetsRetentionMs: int('offsets.retention.minutes', d.offsetsRetentionMs / 60000) * 60000,
    offsetsRetentionCheckIntervalMs: Number(
      config.get('offsets.retention.check.interval.ms') ?? d.offsetsRetentionCheckIntervalMs,
    ),
    offsetMetadataMaxBytes: int('offset.metadata.max.bytes', d.offsetMetadataMaxBytes),
    offsetsTopicPartitions: int('offsets.topic.num.partitions', d.offsetsTopicPartitions),
  }
}
